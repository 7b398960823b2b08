package org.yt8m.transforms.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.yt8m.transforms.shuffle.ShardPlan.BucketRange;

/** The plan's arithmetic: equal shards of contiguous ranks, slices within budget, its coder. */
class ShardPlanTest {

  @Test
  void shardsTakeContiguousRanksOfEqualSize() {
    for (int records : new int[] {1, 10, 1000}) {
      for (int shards : new int[] {1, 3, 7, 16}) {
        ShardPlan plan = plan(records, shards, 100);
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
  void passesCoverAShardsBucketsWithinTheBudget() {
    ShardPlan plan = plan(1000, 2, 100);
    for (int shard = 0; shard < 2; shard++) {
      List<BucketRange> passes = plan.passes(shard, 1000);
      long records = 0;
      for (int i = 0; i < passes.size(); i++) {
        BucketRange pass = passes.get(i);
        if (i > 0) {
          assertEquals(passes.get(i - 1).last() + 1, pass.first(), "consecutive");
        }
        long bytes = 0;
        for (int b = pass.first(); b <= pass.last(); b++) {
          bytes += plan.bytes[b];
        }
        assertTrue(bytes <= 1000 || pass.first() == pass.last(), "within budget: " + bytes);
        records += plan.recordsIn(pass);
      }
      assertTrue(records >= plan.recordsInShard(shard), "every record of the shard");
      assertTrue(passes.size() >= 50, "500 records of 100 bytes in slices of 1000 bytes");
    }
    assertEquals(1, plan(1000, 1, 100).passes(0, Long.MAX_VALUE).size(),
        "one pass when the shard fits");
  }

  @Test
  void anEmptyShardHasNoPasses() {
    ShardPlan plan = plan(2, 4, 10);
    assertEquals(List.of(1L, 0L, 1L, 0L), List.of(plan.recordsInShard(0),
        plan.recordsInShard(1), plan.recordsInShard(2), plan.recordsInShard(3)));
    assertEquals(List.of(), plan.passes(1, 100));
  }

  @Test
  void coderWritesOnlyTheNonEmptyBuckets() throws Exception {
    ShardPlan plan = plan(3, 5, 4000);
    byte[] bytes = CoderUtils.encodeToByteArray(ShardPlanCoder.of(), plan);
    assertTrue(bytes.length < 30, "3 buckets, not 65,536: " + bytes.length);
    ShardPlan decoded = CoderUtils.decodeFromByteArray(ShardPlanCoder.of(), bytes);
    assertEquals(5, decoded.numShards());
    assertArrayEquals(plan.counts, decoded.counts);
    assertArrayEquals(plan.bytes, decoded.bytes);

    ShardPlan empty = CoderUtils.decodeFromByteArray(ShardPlanCoder.of(),
        CoderUtils.encodeToByteArray(ShardPlanCoder.of(), new ShardPlan(2)));
    assertNull(empty.counts, "the empty plan stays small");
    assertEquals(0, empty.records());
  }

  @Test
  void mergingAddsBucketCounts() {
    ShardPlan all = plan(100, 3, 7);
    ShardPlan merged = new ShardPlan(3);
    merged.mergeAccumulator(new ShardPlan(3));
    merged.mergeAccumulator(all);
    merged.mergeAccumulator(all);
    assertEquals(200, merged.records());
    for (int b = 0; b < ShardPlan.BUCKETS; b++) {
      assertEquals(2 * all.counts[b], merged.counts[b]);
      assertEquals(2 * all.bytes[b], merged.bytes[b]);
    }
  }

  /** A plan of {@code records} random hashes, each record {@code size} bytes. */
  private static ShardPlan plan(int records, int shards, int size) {
    SplittableRandom random = new SplittableRandom(records);
    ShardPlan plan = new ShardPlan(shards);
    for (int i = 0; i < records; i++) {
      plan.addInput(KV.of(random.nextLong(), new byte[size]));
    }
    return plan;
  }
}
