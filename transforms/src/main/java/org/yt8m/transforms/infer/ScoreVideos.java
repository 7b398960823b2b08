package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.transforms.coders.FrameRecordCoder;
import org.yt8m.transforms.coders.VideoRecordCoder;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.eval.VideoPredictionsCoder;
import org.yt8m.transforms.io.ShardOutput;

/**
 * Scores records with an exported model: each video's {@code topK} best classes and their
 * scores, computed in the graph, as {@link VideoPredictions} (labels kept, for evaluation).
 *
 * <pre>{@code
 * PCollection<VideoPredictions> predictions = videos.records().apply("Score",
 *     ScoreVideos.with(ModelLocation.latestIn("gs://b/train")).withBatchSize(512).withTopK(20));
 * }</pre>
 *
 * <p>Records are batched within a bundle, without a shuffle: {@code batchSize} per model run,
 * the rest of a bundle scored when it finishes. The model is loaded once per worker JVM and
 * shared by its threads, at most {@code maxInFlightBatches} runs at once; its metrics are
 * {@link BatchScorer}'s. Where the records come straight from a read, {@link #inRead} scores
 * them inside it instead:
 *
 * <pre>{@code
 * ReadResult<VideoPredictions> predictions = pipeline.apply("ReadAndScore",
 *     Yt8mIO.readVideos(pattern).through(ScoreVideos.with(model).inRead()));
 * }</pre>
 */
public final class ScoreVideos
    extends PTransform<PCollection<? extends Yt8mRecord>, PCollection<VideoPredictions>> {
  private static final long serialVersionUID = 1L;

  private final ModelLocation model;
  private final int batchSize;
  private final int topK;
  private final int maxInFlightBatches;
  private final int @Nullable [] classes;

  private ScoreVideos(ModelLocation model, int batchSize, int topK, int maxInFlightBatches,
      int @Nullable [] classes) {
    this.model = model;
    this.batchSize = batchSize;
    this.topK = topK;
    this.maxInFlightBatches = maxInFlightBatches;
    this.classes = classes;
  }

  /** Scores with the export at {@code model}: batches of 512, top 20, 2 runs in flight. */
  public static ScoreVideos with(ModelLocation model) {
    return new ScoreVideos(requireNonNull(model), 512, 20, 2, null);
  }

  /** Videos per model run (default 512). */
  public ScoreVideos withBatchSize(int batchSize) {
    return new ScoreVideos(model, batchSize, topK, maxInFlightBatches, classes);
  }

  /** Classes returned per video (default 20), at most the classes scored. */
  public ScoreVideos withTopK(int topK) {
    return new ScoreVideos(model, batchSize, topK, maxInFlightBatches, classes);
  }

  /**
   * Model runs at once per worker JVM (default 2: one runs while the next batch's tensors are
   * copied in); more threads wait. Bounds what a GPU is asked to hold.
   */
  public ScoreVideos withMaxInFlightBatches(int maxInFlightBatches) {
    return new ScoreVideos(model, batchSize, topK, maxInFlightBatches, classes);
  }

  /**
   * Returns only these classes (the starter's segment-class whitelist): each video's best
   * {@code topK} among them. Default: all the model's classes.
   */
  public ScoreVideos amongClasses(int[] classes) {
    int[] sorted = Arrays.stream(classes).sorted().distinct().toArray();
    return new ScoreVideos(model, batchSize, topK, maxInFlightBatches, sorted);
  }

  @Override
  public PCollection<VideoPredictions> expand(PCollection<? extends Yt8mRecord> input) {
    checkLevel(input.getCoder(), model.flags());
    checkSettings(false);
    return input.apply("ScoreBatches", ParDo.of(new ScoreBatchesFn(scorer(false), batchSize)))
        .setCoder(VideoPredictionsCoder.of());
  }

  /**
   * This scoring, done inside a read of the model's record level ({@code Yt8mIO.Read#through}):
   * for a pipeline that scores what it reads, so that no decoded record becomes an element.
   */
  public ShardOutput<Yt8mRecord, VideoPredictions> inRead() {
    checkSettings(false);
    return ScoredShards.predictions(scorer(false), batchSize);
  }

  /**
   * Scoring for evaluation inside the read: each labelled video's top-k and its label loss,
   * through the export's {@code evaluate} signature (eval.py's loss, computed by the graph that
   * trained), over all classes; unlabelled videos pass unscored, to be counted.
   */
  public ShardOutput<Yt8mRecord, EvaluatedVideo> inReadForEvaluation() {
    checkSettings(true);
    return ScoredShards.evaluations(scorer(true), batchSize);
  }

  private BatchScorer scorer(boolean withLoss) {
    return new BatchScorer(model, topK, maxInFlightBatches, classes, withLoss);
  }

  private void checkSettings(boolean withLoss) {
    ModelFlags flags = model.flags();
    int scored = classes == null ? flags.numClasses() : classes.length;
    checkArgument(batchSize > 0, "batchSize must be positive, got %s", batchSize);
    checkArgument(maxInFlightBatches > 0, "maxInFlightBatches must be positive, got %s",
        maxInFlightBatches);
    checkArgument(topK > 0 && topK <= scored, "topK must lie in [1, %s] (the %s classes "
        + "scored by %s at %s), got %s", scored, classes == null ? "model's" : "chosen",
        flags.model(), model, topK);
    if (classes != null) {
      checkArgument(classes.length > 0 && classes[0] >= 0
          && classes[classes.length - 1] < flags.numClasses(), "classes must lie in [0, %s) "
          + "(the model's), got %s to %s", flags.numClasses(), classes.length > 0 ? classes[0]
          : "none", classes.length > 0 ? classes[classes.length - 1] : "none");
    }
    checkArgument(!withLoss || classes == null, "the loss is over all classes");
  }

  /** A frame-level model needs frame-level records and a video-level one video-level ones. */
  private void checkLevel(Coder<?> records, ModelFlags flags) {
    boolean frames = records instanceof FrameRecordCoder;
    boolean videos = records instanceof VideoRecordCoder;
    checkArgument(flags.frameFeatures() ? !videos : !frames, "%s is a %s model: it cannot "
        + "score %s records", flags.model(), flags.frameFeatures() ? "frame-level"
        : "video-level", frames ? "frame-level" : "video-level");
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("model", model.exportDir()).withLabel("Exported model"))
        .add(DisplayData.item("batchSize", batchSize).withLabel("Videos per model run"))
        .add(DisplayData.item("topK", topK).withLabel("Classes per video"))
        .add(DisplayData.item("maxInFlightBatches", maxInFlightBatches)
            .withLabel("Model runs at once per worker"))
        .addIfNotNull(DisplayData.item("classes", classes == null ? null
            : classes.length + " classes").withLabel("Classes returned"));
  }
}
