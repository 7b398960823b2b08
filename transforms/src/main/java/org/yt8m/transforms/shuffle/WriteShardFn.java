package org.yt8m.transforms.shuffle;

import static com.google.common.base.Preconditions.checkState;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.RunSlice;
import org.yt8m.transforms.io.SortedRuns;
import org.yt8m.transforms.io.StagedFile;
import org.yt8m.transforms.shuffle.ShardPlan.BucketRange;

/**
 * Writes one shard from the slices of sorted runs routed to it (each run's records of the
 * shard's buckets): merged in {@link HashedRecord#ORDER} ({@link SortedRuns}, in groups first
 * when there are more than it reads at once), ranked from the first bucket's start, keeping the
 * ranks that are the shard's, into the staging directory of the shards' {@link FileSet}.
 * Outputs what it staged; counts {@code records_written} and {@code shards_written} in the
 * {@link ShuffleIntoShards} namespace.
 */
final class WriteShardFn extends DoFn<KV<Integer, Iterable<RunSlice>>, StagedFile> {
  private static final long serialVersionUID = 1L;
  static final String PLAN = "plan";

  private final FileSet set;
  private final Counter recordsWritten = Metrics.counter(ShuffleIntoShards.class,
      "records_written");
  private final Counter shardsWritten = Metrics.counter(ShuffleIntoShards.class,
      "shards_written");

  WriteShardFn(FileSet set) {
    this.set = set;
  }

  @ProcessElement
  public void process(@Element KV<Integer, Iterable<RunSlice>> shard,
      @SideInput(PLAN) ShardPlan plan, OutputReceiver<StagedFile> out) throws IOException {
    int index = shard.getKey();
    List<RunSlice> slices = new ArrayList<>();
    shard.getValue().forEach(slices::add);
    StagedFile staged = set.stage(ShuffleIntoShards.shardName(index, plan.numShards()),
        MimeTypes.BINARY, stream -> write(index, slices, plan, stream));
    shardsWritten.inc();
    out.output(staged);
  }

  private void write(int shard, List<RunSlice> slices, ShardPlan plan, OutputStream stream)
      throws IOException {
    if (plan.recordsInShard(shard) == 0) {
      return;
    }
    BufferedOutputStream buffered = new BufferedOutputStream(stream, 1 << 20);
    RankedWriter writer = new RankedWriter(shard, plan, new TfRecordWriter(buffered));
    SortedRuns.merge(slices, HashedRecord.FORMAT, HashedRecord.ORDER,
        () -> set.scratchPath("merged"), writer);
    buffered.flush(); // FileSet.stage closes the stream
    writer.checkComplete();
    recordsWritten.inc(plan.recordsInShard(shard));
  }

  /** Ranks the records of a shard's buckets in order, writing those of the shard's ranks. */
  private static final class RankedWriter implements SortedRuns.Sink<HashedRecord> {
    private final int shard;
    private final ShardPlan plan;
    private final TfRecordWriter writer;
    private final BucketRange buckets;
    private final long start;
    private final long end;
    private long rank;

    RankedWriter(int shard, ShardPlan plan, TfRecordWriter writer) {
      this.shard = shard;
      this.plan = plan;
      this.writer = writer;
      this.buckets = plan.bucketsOf(shard);
      this.start = plan.shardStart(shard);
      this.end = plan.shardStart(shard + 1);
      this.rank = plan.bucketStart(buckets.first());
    }

    @Override
    public void accept(HashedRecord record) throws IOException {
      checkState(buckets.contains(record.bucket()), "shard %s got a record of bucket %s, "
          + "outside its buckets %s to %s", shard, record.bucket(), buckets.first(),
          buckets.last());
      if (start <= rank && rank < end) {
        writer.write(record.bytes());
      }
      rank++;
    }

    /** Fails unless the records merged are those the plan counted in the shard's buckets. */
    void checkComplete() {
      long merged = rank - plan.bucketStart(buckets.first());
      checkState(merged == plan.recordsIn(buckets), "shard %s got %s records of buckets %s "
          + "to %s, where the plan counted %s: the input changed between counting and "
          + "shuffling", shard, merged, buckets.first(), buckets.last(),
          plan.recordsIn(buckets));
    }
  }
}
