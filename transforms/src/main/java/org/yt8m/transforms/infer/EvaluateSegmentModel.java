package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.transforms.coders.FrameRecordCoder;
import org.yt8m.transforms.coders.SegmentRatingsCoder;
import org.yt8m.transforms.eval.EvaluateSegments;

/**
 * A model's 2019 segment evaluation: the submission {@code infer --segmentLabels} would write
 * for the rated videos, scored as {@code evaluate --segmentLabels --predictions} scores one,
 * without the file in between.
 *
 * <p>Every segment of each video is scored ({@link SplitSegments}, {@link ScoreVideos} with the
 * top-k), ranked per class and cut to the top N ({@link RankSegments}), and the lines are
 * scored against the videos' ratings by {@link EvaluateSegments}: the same steps as a
 * submission's, so the figure is exactly the submission's. Scoring only the rated segments
 * would be cheaper but another metric: a submission's unrated segments take places in a
 * class's top N, and decide which classes are submitted at all.
 */
public final class EvaluateSegmentModel
    extends PTransform<PCollection<RatedVideo>, EvaluateSegments.Result> {
  private static final long serialVersionUID = 1L;

  private final ScoreVideos score;
  private final int segmentFrames;
  private final int numClasses;
  private final int topN;

  private EvaluateSegmentModel(ScoreVideos score, int segmentFrames, int numClasses,
      int topN) {
    this.score = score;
    this.segmentFrames = segmentFrames;
    this.numClasses = numClasses;
    this.topN = topN;
  }

  /**
   * Scores with {@code score} (its model, batch size and top-k), segments of 5 frames, 3862
   * classes, the top 100,000 segments a class.
   */
  public static EvaluateSegmentModel scoredBy(ScoreVideos score) {
    return new EvaluateSegmentModel(requireNonNull(score), SplitSegments.SEGMENT_FRAMES, 3862,
        WriteSegmentsCsv.MAX_PER_CLASS);
  }

  /** Frames per segment. */
  public EvaluateSegmentModel withSegmentFrames(int segmentFrames) {
    return new EvaluateSegmentModel(score, segmentFrames, numClasses, topN);
  }

  /** The model's classes. */
  public EvaluateSegmentModel withNumClasses(int numClasses) {
    return new EvaluateSegmentModel(score, segmentFrames, numClasses, topN);
  }

  /** Segments ranked and scored per class, best first. */
  public EvaluateSegmentModel withTopN(int topN) {
    return new EvaluateSegmentModel(score, segmentFrames, numClasses, topN);
  }

  @Override
  public EvaluateSegments.Result expand(PCollection<RatedVideo> videos) {
    checkArgument(topN > 0, "topN must be positive, got %s", topN);
    PCollection<SegmentRatings> ratings = videos.apply("Ratings",
        MapElements.into(TypeDescriptor.of(SegmentRatings.class)).via(RatedVideo::ratings))
        .setCoder(SegmentRatingsCoder.of());
    PCollection<String> lines = videos
        .apply("Frames", MapElements.into(TypeDescriptor.of(FrameRecord.class))
            .via(RatedVideo::frames))
        .setCoder(FrameRecordCoder.of())
        .apply("SplitSegments", SplitSegments.create().withSegmentFrames(segmentFrames))
        .apply("Score", score)
        .apply("RankSegments", RankSegments.keeping(topN));
    return ratings.apply("EvaluateSegments", EvaluateSegments.againstLines(lines)
        .withNumClasses(numClasses).withTopN(topN));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("segmentFrames", segmentFrames).withLabel("Frames per segment"))
        .add(DisplayData.item("numClasses", numClasses).withLabel("Classes"))
        .add(DisplayData.item("topN", topN).withLabel("Segments kept per class"))
        .include("score", score);
  }
}
