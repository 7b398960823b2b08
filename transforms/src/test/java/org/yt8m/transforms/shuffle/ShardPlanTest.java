package org.yt8m.transforms.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.yt8m.transforms.io.RunSlice;
import org.yt8m.transforms.shuffle.ShardPlan.BucketRange;

/** The plan's arithmetic: equal shards of contiguous ranks, the buckets of each, the coders. */
class ShardPlanTest {

  @Test
  void shardsTakeContiguousRanksOfEqualSize() {
    for (int records : new int[] {1, 10, 1000}) {
      for (int shards : new int[] {1, 3, 7, 16}) {
        ShardPlan plan = plan(records, shards);
        long total = 0;
        for (int shard = 0; shard < shards; shard++) {
          long size = plan.recordsInShard(shard);
          assertTrue(size == records / shards || size == records / shards + 1,
              records + " records in " + shards + " shards: " + size);
          assertEquals(total, plan.shardStart(shard), "shard " + shard + " starts where the "
              + "one before ends");
          total += size;
        }
        assertEquals(records, total);
        for (int b = 0; b < ShardPlan.BUCKETS; b++) {
          if (plan.counts[b] > 0) {
            int first = plan.firstShardOf(b);
            assertTrue(plan.shardStart(first) <= plan.bucketStart(b)
                && plan.bucketStart(b) < plan.shardStart(first + 1), "bucket " + b);
            assertTrue(plan.lastShardOf(b) >= first);
          }
        }
      }
    }
  }

  @Test
  void aShardsBucketsHoldExactlyItsRanksAndTheBucketsAtItsEdges() {
    ShardPlan plan = plan(1000, 7);
    for (int shard = 0; shard < 7; shard++) {
      BucketRange buckets = plan.bucketsOf(shard);
      long start = plan.shardStart(shard);
      long end = plan.shardStart(shard + 1);
      assertTrue(plan.bucketStart(buckets.first()) <= start
          && start < plan.bucketStart(buckets.first()) + plan.counts[buckets.first()],
          "the first bucket holds the first rank");
      assertTrue(plan.bucketStart(buckets.last()) < end
          && end <= plan.bucketStart(buckets.last()) + plan.counts[buckets.last()],
          "the last bucket holds the last rank");
      assertTrue(plan.recordsIn(buckets) >= end - start);
    }
  }

  @Test
  void coderWritesOnlyTheNonEmptyBuckets() throws Exception {
    ShardPlan plan = plan(3, 5);
    byte[] bytes = CoderUtils.encodeToByteArray(ShardPlanCoder.of(), plan);
    assertTrue(bytes.length < 20, "3 buckets, not 65,536: " + bytes.length);
    ShardPlan decoded = CoderUtils.decodeFromByteArray(ShardPlanCoder.of(), bytes);
    assertEquals(5, decoded.numShards());
    assertArrayEquals(plan.counts, decoded.counts);

    ShardPlan empty = CoderUtils.decodeFromByteArray(ShardPlanCoder.of(),
        CoderUtils.encodeToByteArray(ShardPlanCoder.of(), new ShardPlan(2)));
    assertNull(empty.counts, "the empty plan stays small");
    assertEquals(0, empty.records());
  }

  @Test
  void mergingAddsBucketCounts() {
    ShardPlan all = plan(100, 3);
    ShardPlan merged = new ShardPlan(3);
    merged.mergeAccumulator(new ShardPlan(3));
    merged.mergeAccumulator(all);
    merged.mergeAccumulator(all);
    assertEquals(200, merged.records());
    for (int b = 0; b < ShardPlan.BUCKETS; b++) {
      assertEquals(2 * all.counts[b], merged.counts[b]);
    }
  }

  @Test
  void aRunsSliceIsTheBytesOfItsBucketsInARange() throws Exception {
    // Buckets 3, 7 and 9 at bytes 0, 40 and 100 of a 130-byte run.
    SortedRun run = new SortedRun("run", 130, new int[] {3, 7, 9}, new int[] {2, 3, 1},
        new long[] {0, 40, 100});
    assertEquals(Optional.of(new RunSlice("run", 0, 40)), run.slice(new BucketRange(0, 6)));
    assertEquals(Optional.of(new RunSlice("run", 40, 130)), run.slice(new BucketRange(4, 9)));
    assertEquals(Optional.of(new RunSlice("run", 40, 100)), run.slice(new BucketRange(7, 7)));
    assertEquals(Optional.empty(), run.slice(new BucketRange(10, 20)));
    assertEquals(Optional.empty(), run.slice(new BucketRange(4, 6)));

    SortedRun decoded = CoderUtils.decodeFromByteArray(SortedRun.Coder.of(),
        CoderUtils.encodeToByteArray(SortedRun.Coder.of(), run));
    assertEquals(run.toString(), decoded.toString());
    for (int i = 0; i < run.size(); i++) {
      assertEquals(run.bucket(i), decoded.bucket(i));
      assertEquals(run.count(i), decoded.count(i));
    }
    assertEquals(run.slice(new BucketRange(4, 8)), decoded.slice(new BucketRange(4, 8)));
  }

  /** A plan of one run of {@code records} random hashes, each record 100 bytes. */
  private static ShardPlan plan(int records, int shards) {
    SplittableRandom random = new SplittableRandom(records);
    int[] all = new int[records];
    for (int i = 0; i < records; i++) {
      all[i] = ShardPlan.bucketOf(random.nextLong());
    }
    Arrays.sort(all);
    int[] buckets = Arrays.stream(all).distinct().toArray();
    int[] counts = new int[buckets.length];
    long[] offsets = new long[buckets.length];
    for (int i = 0, at = 0; i < buckets.length; i++) {
      offsets[i] = at * 100L;
      while (at < records && all[at] == buckets[i]) {
        counts[i]++;
        at++;
      }
    }
    ShardPlan plan = new ShardPlan(shards);
    plan.addInput(new SortedRun("run", records * 100L, buckets, counts, offsets));
    return plan;
  }
}
