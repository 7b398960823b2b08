/**
 * A deterministic global shuffle of records into equal TFRecord shards:
 * {@link org.yt8m.transforms.shuffle.ShuffleIntoShards} orders records by a seeded hash of their
 * id, counts them per hash bucket to rank them ({@link org.yt8m.transforms.shuffle.ShardPlan}),
 * and writes each shard as a contiguous range of that order, so the bytes depend on the records
 * and the seed only.
 */
package org.yt8m.transforms.shuffle;
