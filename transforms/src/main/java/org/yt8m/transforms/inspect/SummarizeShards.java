package org.yt8m.transforms.inspect;

import static com.google.common.base.Preconditions.checkNotNull;

import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.combine.MergeAccumulatorsFn;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * Reads shards and summarizes what the read produced, records and dead letters, into one
 * {@link ShardSummary}:
 *
 * <pre>{@code
 * PCollection<ShardSummary> summary = pipeline
 *     .apply("Summarize", SummarizeShards.of(Yt8mIO.readVideos(pattern)));
 * }</pre>
 *
 * <p>The records are counted into one {@link RecordStats} per shard inside the read
 * ({@link Yt8mIO.Read#accumulatedPerShard}), so no decoded record becomes an element: on the
 * DirectRunner, which holds a step's output until its bundle ends, that is what keeps memory
 * flat however many shards are read, and elsewhere it is the combine's partial step done before
 * the records are ever output. The per-shard statistics and the dead letters are then combined
 * globally (both accumulators are small and merge by addition), and joined at the end through a
 * singleton side input.
 */
public final class SummarizeShards<T extends Yt8mRecord>
    extends PTransform<PBegin, PCollection<ShardSummary>> {
  private static final long serialVersionUID = 1L;

  private final Yt8mIO.Read<T> read;

  private SummarizeShards(Yt8mIO.Read<T> read) {
    this.read = read;
  }

  /** Summarizes the shards that {@code read} reads, as it reads them. */
  public static <T extends Yt8mRecord> SummarizeShards<T> of(Yt8mIO.Read<T> read) {
    return new SummarizeShards<>(read);
  }

  @Override
  public PCollection<ShardSummary> expand(PBegin input) {
    checkNotNull(read, "no read given");
    ReadResult<RecordStats> perShard = input.apply("ReadShards",
        read.<RecordStats>accumulatedPerShard(RecordStats::new, RecordStatsCoder.of()));
    PCollectionView<DeadLetterStats> deadLetters = perShard.deadLetters()
        .apply("SummarizeDeadLetters", Combine.globally(
            AccumulatorFn.of(DeadLetterStats::new, DeadLetterStatsCoder.of())).asSingletonView());
    return perShard.records()
        .apply("SummarizeRecords", Combine.globally(
            MergeAccumulatorsFn.of(RecordStats::new, RecordStatsCoder.of())))
        .apply("JoinDeadLetters", ParDo.of(new JoinFn())
            .withSideInput(JoinFn.DEAD_LETTERS, deadLetters))
        .setCoder(ShardSummaryCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.include("read", read);
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
