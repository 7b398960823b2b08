package org.yt8m.transforms.shuffle;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.ShardOutput;

/**
 * The first half of the shuffle, done inside the read ({@link ShuffleIntoShards#runsInRead}):
 * each valid record of a shard hashed and re-encoded ({@link Yt8mEncoder}, labels only when it
 * has some), the shard's records sorted in {@link HashedRecord#ORDER} and written as a
 * {@link SortedRun} into the staging directory of the shards' {@link FileSet}, a run per at most
 * {@code maxRunBytes} of entries. What leaves the read is the runs' small indexes.
 *
 * <p>Why in the read: a step that took the records as elements would have the DirectRunner hold
 * them (it runs reads ahead of slower steps, and the routing waits for the plan of all of them),
 * and on Dataflow shuffle them; here a reading thread holds one run's records at a time, and the
 * data goes to disk once, sorted. Counts {@code sorted_runs}.
 */
final class RunsInRead extends ShardOutput<Yt8mRecord, SortedRun> {
  private static final long serialVersionUID = 1L;

  private final FileSet set;
  private final FeatureSpec features;
  private final long seed;
  private final long maxRunBytes;
  private final Counter sortedRuns = Metrics.counter(ShuffleIntoShards.class, "sorted_runs");
  private transient Yt8mEncoder encoder;

  RunsInRead(FileSet set, FeatureSpec features, long seed, long maxRunBytes) {
    super(SortedRun.Coder.of());
    this.set = set;
    this.features = features;
    this.seed = seed;
    this.maxRunBytes = maxRunBytes;
  }

  @Override
  public Sink<Yt8mRecord> open(Receiver<SortedRun> out) {
    if (encoder == null) {
      encoder = new Yt8mEncoder(features);
    }
    return new RunSink(out);
  }

  /** One shard's records, held until they make a run. */
  private final class RunSink implements Sink<Yt8mRecord> {
    private final Receiver<SortedRun> out;
    private final List<HashedRecord> held = new ArrayList<>();
    private long heldBytes;

    RunSink(Receiver<SortedRun> out) {
      this.out = out;
    }

    @Override
    public void add(Yt8mRecord record) throws Exception {
      HashedRecord hashed = new HashedRecord(ShuffleIntoShards.hash(seed, record.id()),
          encoder.encode(record, record.hasLabels()));
      held.add(hashed);
      heldBytes += hashed.entryBytes();
      if (heldBytes >= maxRunBytes) {
        writeRun();
      }
    }

    @Override
    public void close() throws Exception {
      if (!held.isEmpty()) {
        writeRun();
      }
    }

    private void writeRun() throws Exception {
      held.sort(HashedRecord.ORDER);
      out.output(SortedRun.write(held, set.scratchPath("run")));
      sortedRuns.inc();
      held.clear();
      heldBytes = 0;
    }
  }
}
