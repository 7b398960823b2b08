package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.io.DeadLetter;

/**
 * Joins a predictions file's videos with the labels of the shards, by video id, and evaluates
 * them with an {@link EvaluateVideos}: what {@code evaluate --predictions} computes.
 *
 * <pre>{@code
 * JoinAndEvaluate.Result result = labels.apply("JoinAndEvaluate",
 *     JoinAndEvaluate.of(predictions, EvaluateVideos.withNumClasses(3862).withTopK(20)));
 * }</pre>
 *
 * <p>Nothing is dropped silently:
 *
 * <ul>
 *   <li>a labelled video without a predictions line is evaluated with no predictions and counted
 *       as {@code videos_without_predictions};
 *   <li>a predictions line whose video is not in the shards is counted as
 *       {@code unknown_videos};
 *   <li>a video whose shard record has no labels (a test split) is not evaluated and is counted
 *       as {@code unlabelled_videos};
 *   <li>a video id on several predictions lines keeps its first line (by file and line number);
 *       the others are counted as {@code duplicate_prediction_lines}, not as malformed lines,
 *       and output as dead letters ({@code duplicate_video_id}) saying where the first one is;
 *   <li>a video id on several shard records keeps one (the smallest label array, so the choice
 *       does not depend on order) and counts the rest as {@code duplicate_shard_videos}.
 * </ul>
 *
 * <p>Both sides are batched per bundle into groups by a hash of the id ({@link #withGroups}),
 * the groups joined in memory, and each joined video counted straight into the bundle's
 * {@link BundleCounts}: the join moves a few batches per bundle and group instead of an element
 * per video, and no per-video element follows it. (A grouping key per video would also make one
 * tiny bundle per video on runners that bundle per key, as the DirectRunner does.) Each group
 * holds about {@code videos / groups} videos in memory, some 500 bytes each.
 */
public final class JoinAndEvaluate
    extends PTransform<PCollection<KV<String, int[]>>, JoinAndEvaluate.Result> {
  private static final long serialVersionUID = 1L;

  // Transient: the transform is serializable, a PCollection is not (nothing serializes it here).
  private final transient PCollection<KV<String, RankedPredictions>> predictions;
  private final EvaluateVideos evaluate;
  private final int groups;
  private final int batchSize;

  private JoinAndEvaluate(PCollection<KV<String, RankedPredictions>> predictions,
      EvaluateVideos evaluate, int groups, int batchSize) {
    this.predictions = predictions;
    this.evaluate = evaluate;
    this.groups = groups;
    this.batchSize = batchSize;
  }

  /** Joins labels keyed by video id with {@code predictions}, evaluated by {@code evaluate}. */
  public static JoinAndEvaluate of(PCollection<KV<String, RankedPredictions>> predictions,
      EvaluateVideos evaluate) {
    return new JoinAndEvaluate(predictions, evaluate, 4, 4096);
  }

  /**
   * Joins in {@code groups} groups (default 4): at most that many join in parallel, each with
   * about {@code videos / groups} videos in memory.
   */
  public JoinAndEvaluate withGroups(int groups) {
    return new JoinAndEvaluate(predictions, evaluate, groups, batchSize);
  }

  /** At most {@code batchSize} videos per batch sent to a group (default 4096). */
  public JoinAndEvaluate withBatchSize(int batchSize) {
    return new JoinAndEvaluate(predictions, evaluate, groups, batchSize);
  }

  @Override
  public Result expand(PCollection<KV<String, int[]>> labels) {
    checkNotNull(predictions, "no predictions given");
    checkNotNull(evaluate, "no evaluation given");
    checkArgument(predictions.getPipeline() == labels.getPipeline(),
        "labels and predictions come from different pipelines");
    checkArgument(groups > 0, "groups must be positive, got %s", groups);
    checkArgument(batchSize > 0, "batchSize must be positive, got %s", batchSize);
    evaluate.validate(labels);
    evaluate.validate(predictions);
    TupleTag<List<KV<String, int[]>>> labelsTag = new TupleTag<>() {};
    TupleTag<List<KV<String, RankedPredictions>>> predictionsTag = new TupleTag<>() {};
    TupleTag<KV<String, Long>> countsTag = new TupleTag<>() {};
    TupleTag<DeadLetter> deadLettersTag = new TupleTag<>() {};
    PCollectionTuple joined = KeyedPCollectionTuple
        .of(labelsTag, labels.apply("BatchLabels", BatchByIdHash.of(groups, batchSize)))
        .and(predictionsTag, predictions
            .apply("BatchPredictions", BatchByIdHash.of(groups, batchSize)))
        .apply("GroupByIdHash", CoGroupByKey.create())
        .apply("JoinAndCount", ParDo.of(new JoinFn(evaluate, labelsTag, predictionsTag,
            countsTag, deadLettersTag)).withOutputTags(BundleCounts.COUNTS,
            TupleTagList.of(BundleCounts.TOTALS).and(countsTag).and(deadLettersTag)));
    PCollection<EvaluationMetrics> metrics = BundleCounts.partialsOf(joined)
        .apply("CombinePartials", evaluate.combinePartials());
    PCollection<KV<String, Long>> counts = joined.get(countsTag)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("SumCounts", Sum.longsPerKey());
    return new Result(metrics, countsTag, counts, deadLettersTag,
        joined.get(deadLettersTag).setCoder(DeadLetterCoder.of()));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("groups", groups).withLabel("Join groups"))
        .add(DisplayData.item("batchSize", batchSize).withLabel("Videos per batch"))
        .include("evaluate", evaluate);
  }

  /** The metrics, the join's counts by name, and duplicate predictions lines. */
  public static final class Result implements POutput {
    private final TupleTag<EvaluationMetrics> metricsTag = new TupleTag<>();
    private final PCollection<EvaluationMetrics> metrics;
    private final TupleTag<KV<String, Long>> countsTag;
    private final PCollection<KV<String, Long>> counts;
    private final TupleTag<DeadLetter> deadLettersTag;
    private final PCollection<DeadLetter> deadLetters;

    private Result(PCollection<EvaluationMetrics> metrics, TupleTag<KV<String, Long>> countsTag,
        PCollection<KV<String, Long>> counts, TupleTag<DeadLetter> deadLettersTag,
        PCollection<DeadLetter> deadLetters) {
      this.metrics = metrics;
      this.countsTag = countsTag;
      this.counts = counts;
      this.deadLettersTag = deadLettersTag;
      this.deadLetters = deadLetters;
    }

    /** The metrics of the labelled videos (one element). */
    public PCollection<EvaluationMetrics> metrics() {
      return metrics;
    }

    /**
     * {@code videos_without_predictions}, {@code unknown_videos}, {@code unlabelled_videos},
     * {@code duplicate_shard_videos}, {@code duplicate_prediction_lines}: only the counts that
     * occurred.
     */
    public PCollection<KV<String, Long>> counts() {
      return counts;
    }

    /** Predictions lines whose video id an earlier line already had. */
    public PCollection<DeadLetter> deadLetters() {
      return deadLetters;
    }

    @Override
    public Pipeline getPipeline() {
      return metrics.getPipeline();
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return Map.of(metricsTag, metrics, countsTag, counts, deadLettersTag, deadLetters);
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input,
        PTransform<?, ?> transform) {}
  }

  /** Joins one group's batches and counts each labelled video into the bundle's counts. */
  private static final class JoinFn
      extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, KeyedCounts>> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<RankedPredictions> FIRST = Comparator
        .comparing(RankedPredictions::file).thenComparingLong(RankedPredictions::line);
    /** The join's counts by name, as Beam counters too. */
    private static final Map<String, Counter> COUNTERS = Stream.of("duplicate_shard_videos",
        "duplicate_prediction_lines", "unknown_videos", "unlabelled_videos",
        "videos_without_predictions")
        .collect(Collectors.toMap(name -> name, name -> Metrics.counter(JoinAndEvaluate.class,
            name)));
    private final EvaluateVideos evaluate;
    private final TupleTag<List<KV<String, int[]>>> labelsTag;
    private final TupleTag<List<KV<String, RankedPredictions>>> predictionsTag;
    private final TupleTag<KV<String, Long>> countsTag;
    private final TupleTag<DeadLetter> deadLettersTag;
    private transient BundleCounts bundle;
    private transient Map<String, Long> counts;

    JoinFn(EvaluateVideos evaluate, TupleTag<List<KV<String, int[]>>> labelsTag,
        TupleTag<List<KV<String, RankedPredictions>>> predictionsTag,
        TupleTag<KV<String, Long>> countsTag, TupleTag<DeadLetter> deadLettersTag) {
      this.evaluate = evaluate;
      this.labelsTag = labelsTag;
      this.predictionsTag = predictionsTag;
      this.countsTag = countsTag;
      this.deadLettersTag = deadLettersTag;
    }

    @StartBundle
    public void startBundle() {
      bundle = new BundleCounts(evaluate);
      counts = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> group, MultiOutputReceiver out) {
      Map<String, RankedPredictions> firstLines = new HashMap<>();
      List<KV<String, RankedPredictions>> laterLines = new ArrayList<>();
      for (List<KV<String, RankedPredictions>> batch : group.getValue().getAll(predictionsTag)) {
        for (KV<String, RankedPredictions> line : batch) {
          RankedPredictions kept = firstLines.putIfAbsent(line.getKey(), line.getValue());
          if (kept != null) {
            boolean earlier = FIRST.compare(line.getValue(), kept) < 0;
            firstLines.put(line.getKey(), earlier ? line.getValue() : kept);
            laterLines.add(earlier ? KV.of(line.getKey(), kept) : line);
          }
        }
      }
      for (KV<String, RankedPredictions> later : laterLines) {
        deadLetterDuplicate(later, firstLines.get(later.getKey()), out);
      }
      Map<String, int[]> labels = new HashMap<>();
      for (List<KV<String, int[]>> batch : group.getValue().getAll(labelsTag)) {
        for (KV<String, int[]> record : batch) {
          int[] kept = labels.putIfAbsent(record.getKey(), record.getValue());
          if (kept != null) {
            count("duplicate_shard_videos");
            if (Arrays.compare(record.getValue(), kept) < 0) {
              labels.put(record.getKey(), record.getValue());
            }
          }
        }
      }
      for (Map.Entry<String, int[]> video : labels.entrySet()) {
        evaluate(video.getKey(), video.getValue(), firstLines.remove(video.getKey()));
      }
      if (!firstLines.isEmpty()) {
        count("unknown_videos", firstLines.size());
      }
    }

    private void evaluate(String id, int[] labels, RankedPredictions line) {
      if (labels.length == 0) {
        count("unlabelled_videos");
      } else if (line == null) {
        count("videos_without_predictions");
        bundle.add(new VideoPredictions(id, labels, new int[0], new float[0]));
      } else {
        bundle.add(new VideoPredictions(id, labels, line.ranked(), line.scores()));
      }
    }

    private void deadLetterDuplicate(KV<String, RankedPredictions> duplicate,
        RankedPredictions first, MultiOutputReceiver out) {
      count("duplicate_prediction_lines");
      RankedPredictions line = duplicate.getValue();
      out.get(deadLettersTag).output(new DeadLetter(line.file(), line.line(),
          "line " + line.line(), duplicate.getKey(), "duplicate_video_id", "video "
              + duplicate.getKey() + " already has predictions on " + first.file() + " line "
              + first.line()));
    }

    private void count(String name) {
      count(name, 1);
    }

    private void count(String name, long n) {
      COUNTERS.get(name).inc(n);
      counts.merge(name, n, Long::sum);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      bundle.output(context);
      counts.forEach((name, count) -> context.output(countsTag, KV.of(name, count),
          GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      bundle = null;
      counts = null;
    }
  }
}
