package org.yt8m.transforms.inspect;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * Summarizes what a read produced, records and dead letters, into one {@link ShardSummary}:
 *
 * <pre>{@code
 * PCollection<ShardSummary> summary = pipeline
 *     .apply("ReadVideos", Yt8mIO.readVideos(pattern))
 *     .apply("Summarize", SummarizeShards.create());
 * }</pre>
 *
 * <p>Two global combines (one per output of the read) whose accumulators are small and merge
 * by addition, joined at the end through a singleton side input.
 */
public final class SummarizeShards<T extends Yt8mRecord>
    extends PTransform<Yt8mIO.Result<T>, PCollection<ShardSummary>> {
  private static final long serialVersionUID = 1L;

  private SummarizeShards() {}

  public static <T extends Yt8mRecord> SummarizeShards<T> create() {
    return new SummarizeShards<>();
  }

  @Override
  public PCollection<ShardSummary> expand(Yt8mIO.Result<T> read) {
    PCollectionView<DeadLetterStats> deadLetters = read.deadLetters()
        .apply("SummarizeDeadLetters", Combine.globally(new DeadLetterStatsFn()).asSingletonView());
    return read.records()
        .apply("SummarizeRecords", Combine.globally(new RecordStatsFn<T>()))
        .apply("JoinDeadLetters", ParDo.of(new JoinFn())
            .withSideInput(JoinFn.DEAD_LETTERS, deadLetters))
        .setCoder(ShardSummaryCoder.of());
  }

  private static final class RecordStatsFn<T extends Yt8mRecord>
      extends Combine.CombineFn<T, RecordStats, RecordStats> {
    private static final long serialVersionUID = 1L;

    @Override
    public RecordStats createAccumulator() {
      return new RecordStats();
    }

    @Override
    public RecordStats addInput(RecordStats stats, T record) {
      return stats.add(record);
    }

    @Override
    public RecordStats mergeAccumulators(Iterable<RecordStats> accumulators) {
      RecordStats merged = new RecordStats();
      accumulators.forEach(merged::merge);
      return merged;
    }

    @Override
    public RecordStats extractOutput(RecordStats stats) {
      return stats;
    }

    @Override
    public Coder<RecordStats> getAccumulatorCoder(CoderRegistry registry, Coder<T> input) {
      return RecordStatsCoder.of();
    }

    @Override
    public Coder<RecordStats> getDefaultOutputCoder(CoderRegistry registry, Coder<T> input) {
      return RecordStatsCoder.of();
    }
  }

  private static final class DeadLetterStatsFn
      extends Combine.CombineFn<DeadLetter, DeadLetterStats, DeadLetterStats> {
    private static final long serialVersionUID = 1L;

    @Override
    public DeadLetterStats createAccumulator() {
      return new DeadLetterStats();
    }

    @Override
    public DeadLetterStats addInput(DeadLetterStats stats, DeadLetter letter) {
      return stats.add(letter);
    }

    @Override
    public DeadLetterStats mergeAccumulators(Iterable<DeadLetterStats> accumulators) {
      DeadLetterStats merged = new DeadLetterStats();
      accumulators.forEach(merged::merge);
      return merged;
    }

    @Override
    public DeadLetterStats extractOutput(DeadLetterStats stats) {
      return stats;
    }

    @Override
    public Coder<DeadLetterStats> getAccumulatorCoder(CoderRegistry registry,
        Coder<DeadLetter> input) {
      return DeadLetterStatsCoder.of();
    }

    @Override
    public Coder<DeadLetterStats> getDefaultOutputCoder(CoderRegistry registry,
        Coder<DeadLetter> input) {
      return DeadLetterStatsCoder.of();
    }
  }

  private static final class JoinFn extends DoFn<RecordStats, ShardSummary> {
    private static final long serialVersionUID = 1L;
    static final String DEAD_LETTERS = "deadLetters";

    @ProcessElement
    public void process(@Element RecordStats records,
        @SideInput(DEAD_LETTERS) DeadLetterStats deadLetters, OutputReceiver<ShardSummary> out) {
      out.output(new ShardSummary(records, deadLetters));
    }
  }
}
