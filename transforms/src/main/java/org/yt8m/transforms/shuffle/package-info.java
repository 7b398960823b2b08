/**
 * A deterministic global shuffle of records into equal TFRecord shards:
 * {@link org.yt8m.transforms.shuffle.ShuffleIntoShards} orders records by a seeded hash of their
 * id, sorts them on disk in runs written inside the read
 * ({@link org.yt8m.transforms.shuffle.SortedRun}), ranks them from the runs' counts per hash
 * bucket ({@link org.yt8m.transforms.shuffle.ShardPlan}), and writes each shard as a contiguous
 * range of that order, merged from the runs, so the bytes depend on the records and the seed
 * only.
 */
package org.yt8m.transforms.shuffle;
