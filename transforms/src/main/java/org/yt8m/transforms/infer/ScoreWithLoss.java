package org.yt8m.transforms.infer;

import static java.util.Objects.requireNonNull;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.eval.VideoPredictions;

/**
 * {@link ScoreVideos} for evaluating a model: labelled videos scored through the export's
 * {@code evaluate} signature, giving each video's top-k under {@link #PREDICTIONS} and each
 * batch's summed label loss under {@link #LOSS_SUMS} (sum them, divide by the videos: eval.py's
 * mean loss, computed by the graph that trained).
 *
 * <pre>{@code
 * PCollectionTuple scored = labelled.apply("Score",
 *     ScoreWithLoss.of(ScoreVideos.with(model).withBatchSize(1024).withTopK(20)));
 * }</pre>
 */
public final class ScoreWithLoss
    extends PTransform<PCollection<? extends Yt8mRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;
  public static final TupleTag<VideoPredictions> PREDICTIONS = ScoreBatchesFn.PREDICTIONS;
  public static final TupleTag<Double> LOSS_SUMS = ScoreBatchesFn.LOSS_SUMS;

  private final ScoreVideos score;

  private ScoreWithLoss(ScoreVideos score) {
    this.score = score;
  }

  /** Scores as {@code score} is set up (over all classes), with the loss. */
  public static ScoreWithLoss of(ScoreVideos score) {
    return new ScoreWithLoss(requireNonNull(score));
  }

  @Override
  public PCollectionTuple expand(PCollection<? extends Yt8mRecord> input) {
    return score.scoreBatches(input, true);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.include("score", score);
  }
}
