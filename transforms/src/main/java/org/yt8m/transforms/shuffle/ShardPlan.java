package org.yt8m.transforms.shuffle;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;

/**
 * Where each record of a deterministic shuffle goes, computed from how many records fall in
 * each of the 65,536 hash buckets (a bucket is the top 16 bits of a record's shuffle hash, so
 * buckets are consecutive ranges of the shuffled order), as the sorted runs' indexes count them.
 *
 * <p>Records in shuffled order have ranks {@code 0 .. N-1}; shard {@code k} of {@code S} takes
 * the ranks {@code [ceil(kN/S), ceil((k+1)N/S))}, so shard sizes differ by at most one record.
 * Per-bucket counts are enough to know the ranks at which each bucket starts: a shard's writer
 * ranks the records of its buckets ({@link #bucketsOf}) itself, which is why a bucket whose ranks
 * straddle a shard boundary is read by every shard it touches, each keeping its own part.
 *
 * <p>A combine accumulator (mutable while combining, read-only after), the side input of the
 * routing and writing, and what {@link ShuffleIntoShards} outputs once every shard is written.
 * {@link ShardPlanCoder} encodes only the non-empty buckets.
 */
public final class ShardPlan
    implements Accumulator<SortedRun, ShardPlan, ShardPlan>, Serializable {
  // Serializable too: Combine.globally keeps the empty input's output value in its DoFn.
  private static final long serialVersionUID = 1L;

  static final int BUCKET_BITS = 16;
  static final int BUCKETS = 1 << BUCKET_BITS;

  private final int numShards;
  // Records per bucket; null until the first run, so that the empty plan Combine.globally
  // serializes into the job is small.
  long[] counts;
  // starts[b]: records in the buckets before b; starts[BUCKETS] = N. Computed once per instance
  // on first use (a side input is shared by the threads of a worker, hence volatile).
  private transient volatile long[] starts;

  ShardPlan(int numShards) {
    checkArgument(numShards > 0, "numShards must be positive, got %s", numShards);
    this.numShards = numShards;
  }

  /** The bucket of a record with shuffle hash {@code hash}: its top 16 bits. */
  static int bucketOf(long hash) {
    return (int) (hash >>> (Long.SIZE - BUCKET_BITS));
  }

  @Override
  public void addInput(SortedRun run) {
    allocate();
    for (int i = 0; i < run.size(); i++) {
      counts[run.bucket(i)] += run.count(i);
    }
  }

  @Override
  public void mergeAccumulator(ShardPlan other) {
    checkArgument(other.numShards == numShards, "plans for %s and %s shards", numShards,
        other.numShards);
    if (other.counts == null) {
      return;
    }
    allocate();
    for (int b = 0; b < BUCKETS; b++) {
      counts[b] += other.counts[b];
    }
  }

  @Override
  public ShardPlan extractOutput() {
    return this;
  }

  private void allocate() {
    if (counts == null) {
      counts = new long[BUCKETS];
    }
    starts = null;
  }

  /** The number of shards. */
  public int numShards() {
    return numShards;
  }

  /** The number of records shuffled, N. */
  public long records() {
    return starts()[BUCKETS];
  }

  /** The records of shard {@code shard}: {@code floor(N/S)} or one more. */
  public long recordsInShard(int shard) {
    return shardStart(shard + 1) - shardStart(shard);
  }

  /** The rank of shard {@code shard}'s first record, {@code ceil(shard * N / S)}. */
  long shardStart(int shard) {
    return ((long) shard * records() + numShards - 1) / numShards;
  }

  /** The rank of bucket {@code bucket}'s first record. */
  long bucketStart(int bucket) {
    return starts()[bucket];
  }

  /** The first shard that takes records of (non-empty) {@code bucket}. */
  int firstShardOf(int bucket) {
    return shardOfRank(starts()[bucket]);
  }

  /** The last shard that takes records of (non-empty) {@code bucket}. */
  int lastShardOf(int bucket) {
    return shardOfRank(starts()[bucket + 1] - 1);
  }

  private int shardOfRank(long rank) {
    return (int) (rank * numShards / records());
  }

  /**
   * The buckets holding the ranks of (non-empty) shard {@code shard}: its first and last
   * bucket, and any between.
   */
  BucketRange bucketsOf(int shard) {
    checkArgument(recordsInShard(shard) > 0, "shard %s is empty", shard);
    return new BucketRange(bucketOfRank(shardStart(shard)),
        bucketOfRank(shardStart(shard + 1) - 1));
  }

  /** The records of the buckets in {@code range}. */
  long recordsIn(BucketRange range) {
    return starts()[range.last() + 1] - starts()[range.first()];
  }

  /** The bucket holding rank {@code rank}: the last bucket starting at or before it. */
  private int bucketOfRank(long rank) {
    long[] s = starts();
    int low = 0;
    int high = BUCKETS - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (s[middle] <= rank) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  private long[] starts() {
    long[] s = starts;
    if (s == null) {
      s = new long[BUCKETS + 1];
      for (int b = 0; counts != null && b < BUCKETS; b++) {
        s[b + 1] = s[b] + counts[b];
      }
      starts = s;
    }
    return s;
  }

  /** Buckets {@code first} to {@code last}, inclusive. */
  record BucketRange(int first, int last) {
    boolean contains(int bucket) {
      return first <= bucket && bucket <= last;
    }
  }
}
