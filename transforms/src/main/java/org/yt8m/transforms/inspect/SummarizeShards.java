package org.yt8m.transforms.inspect;

import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.io.ReadResult;
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
 * by addition ({@link RecordStats}, {@link DeadLetterStats}), joined at the end through a
 * singleton side input.
 */
public final class SummarizeShards<T extends Yt8mRecord>
    extends PTransform<ReadResult<T>, PCollection<ShardSummary>> {
  private static final long serialVersionUID = 1L;

  private SummarizeShards() {}

  public static <T extends Yt8mRecord> SummarizeShards<T> create() {
    return new SummarizeShards<>();
  }

  @Override
  public PCollection<ShardSummary> expand(ReadResult<T> read) {
    PCollectionView<DeadLetterStats> deadLetters = read.deadLetters()
        .apply("SummarizeDeadLetters", Combine.globally(
            AccumulatorFn.of(DeadLetterStats::new, DeadLetterStatsCoder.of())).asSingletonView());
    return read.records()
        .apply("SummarizeRecords", Combine.<T, RecordStats>globally(
            AccumulatorFn.<Yt8mRecord, RecordStats>of(RecordStats::new, RecordStatsCoder.of())))
        .apply("JoinDeadLetters", ParDo.of(new JoinFn())
            .withSideInput(JoinFn.DEAD_LETTERS, deadLetters))
        .setCoder(ShardSummaryCoder.of());
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
