package org.yt8m.transforms.shuffle;

import static com.google.common.base.Preconditions.checkState;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.StagedFile;
import org.yt8m.transforms.shuffle.ShardPlan.BucketRange;

/**
 * Writes one shard from the records routed to it: slice by slice of its buckets
 * ({@link ShardPlan#passes}), each slice sorted by (unsigned hash, encoded bytes) and ranked from
 * its first bucket's start, keeping the ranks that are the shard's, into the staging directory
 * of the shards' {@link FileSet}. Outputs what it staged; counts {@code records_written}, {@code shards_written} and {@code write_passes} in the
 * {@link ShuffleIntoShards} namespace.
 */
final class WriteShardFn extends DoFn<KV<Integer, Iterable<KV<Long, byte[]>>>, StagedFile> {
  private static final long serialVersionUID = 1L;
  static final String PLAN = "plan";

  /** The shuffled order: a total order on (hash, encoded record). */
  private static final Comparator<KV<Long, byte[]>> ORDER = (a, b) -> {
    int byHash = Long.compareUnsigned(a.getKey(), b.getKey());
    return byHash != 0 ? byHash : Arrays.compareUnsigned(a.getValue(), b.getValue());
  };

  private final FileSet set;
  private final long maxBytesInMemory;
  private final Counter recordsWritten = Metrics.counter(ShuffleIntoShards.class,
      "records_written");
  private final Counter shardsWritten = Metrics.counter(ShuffleIntoShards.class,
      "shards_written");
  private final Counter writePasses = Metrics.counter(ShuffleIntoShards.class, "write_passes");

  WriteShardFn(FileSet set, long maxBytesInMemory) {
    this.set = set;
    this.maxBytesInMemory = maxBytesInMemory;
  }

  @ProcessElement
  public void process(@Element KV<Integer, Iterable<KV<Long, byte[]>>> shard,
      @SideInput(PLAN) ShardPlan plan, OutputReceiver<StagedFile> out) throws IOException {
    int index = shard.getKey();
    StagedFile staged = set.stage(ShuffleIntoShards.shardName(index, plan.numShards()),
        MimeTypes.BINARY, stream -> write(index, shard.getValue(), plan, stream));
    shardsWritten.inc();
    out.output(staged);
  }

  private void write(int shard, Iterable<KV<Long, byte[]>> records, ShardPlan plan,
      OutputStream stream) throws IOException {
    long start = plan.shardStart(shard);
    long end = plan.shardStart(shard + 1);
    long written = 0;
    BufferedOutputStream buffered = new BufferedOutputStream(stream, 1 << 20);
    TfRecordWriter writer = new TfRecordWriter(buffered); // FileSet.stage closes the stream
    for (BucketRange pass : plan.passes(shard, maxBytesInMemory)) {
      List<KV<Long, byte[]>> held = new ArrayList<>();
      for (KV<Long, byte[]> record : records) {
        if (pass.contains(ShardPlan.bucketOf(record.getKey()))) {
          held.add(record);
        }
      }
      checkState(held.size() == plan.recordsIn(pass), "shard %s got %s records of buckets %s "
          + "to %s, where the plan counted %s: the input changed between counting and "
          + "shuffling", shard, held.size(), pass.first(), pass.last(), plan.recordsIn(pass));
      held.sort(ORDER);
      long rank = plan.bucketStart(pass.first());
      for (KV<Long, byte[]> record : held) {
        if (start <= rank && rank < end) {
          writer.write(record.getValue());
          written++;
        }
        rank++;
      }
      writePasses.inc();
    }
    buffered.flush();
    checkState(written == end - start, "shard %s: wrote %s records, the plan says %s", shard,
        written, end - start);
    recordsWritten.inc(written);
  }
}
