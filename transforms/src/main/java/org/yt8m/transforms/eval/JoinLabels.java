package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.io.DeadLetter;

/**
 * Joins a predictions file's videos with the labels of the shards, by video id, into the
 * {@link VideoPredictions} that {@link EvaluateVideos} takes. Nothing is dropped silently:
 *
 * <ul>
 *   <li>a labelled video without a predictions line is evaluated with no predictions and counted
 *       as {@code videos_without_predictions};
 *   <li>a predictions line whose video is not in the shards is counted as
 *       {@code unknown_videos};
 *   <li>a video whose shard record has no labels (a test split) is not evaluated and is counted
 *       as {@code unlabelled_videos};
 *   <li>a video id on several predictions lines keeps its first line (by file and line number);
 *       the others are dead letters ({@code duplicate_video_id});
 *   <li>a video id on several shard records keeps one (the smallest label array, so the choice
 *       does not depend on order) and counts the rest as {@code duplicate_shard_videos}.
 * </ul>
 *
 * <p>Videos are joined in groups (by a hash of the id, {@link #withGroups}), each group in
 * memory: a grouping key per video would make one tiny bundle per video on runners that bundle
 * per key (the DirectRunner does), defeating the per-bundle pre-aggregation downstream. The
 * counts are an output (summed per name), pre-aggregated per bundle.
 */
public final class JoinLabels extends PTransform<PCollection<KV<String, int[]>>, JoinLabels.Result> {
  private static final long serialVersionUID = 1L;

  // Transient: the transform is serializable, a PCollection is not (nothing serializes it here).
  private final transient PCollection<KV<String, RankedPredictions>> predictions;
  private final int groups;

  private JoinLabels(PCollection<KV<String, RankedPredictions>> predictions, int groups) {
    this.predictions = predictions;
    this.groups = groups;
  }

  /** Joins labels keyed by video id with {@code predictions}, in 16 groups. */
  public static JoinLabels with(PCollection<KV<String, RankedPredictions>> predictions) {
    return new JoinLabels(predictions, 16);
  }

  /**
   * Joins in {@code groups} groups: each holds about {@code videos / groups} videos in memory
   * (some 150 bytes each), and at most {@code groups} run in parallel.
   */
  public JoinLabels withGroups(int groups) {
    return new JoinLabels(predictions, groups);
  }

  @Override
  public Result expand(PCollection<KV<String, int[]>> labels) {
    checkArgument(predictions.getPipeline() == labels.getPipeline(),
        "labels and predictions come from different pipelines");
    checkArgument(groups > 0, "groups must be positive, got %s", groups);
    TupleTag<KV<String, int[]>> labelsTag = new TupleTag<>();
    TupleTag<KV<String, RankedPredictions>> predictionsTag = new TupleTag<>();
    TupleTag<VideoPredictions> videosTag = new TupleTag<>();
    TupleTag<KV<String, Long>> countsTag = new TupleTag<>();
    TupleTag<DeadLetter> deadLettersTag = new TupleTag<>();
    PCollectionTuple joined = KeyedPCollectionTuple
        .of(labelsTag, labels.apply("GroupLabels", ParDo.of(new GroupFn<int[]>(groups)))
            .setCoder(KvCoder.of(VarIntCoder.of(), labels.getCoder())))
        .and(predictionsTag, predictions
            .apply("GroupPredictions", ParDo.of(new GroupFn<RankedPredictions>(groups)))
            .setCoder(KvCoder.of(VarIntCoder.of(), predictions.getCoder())))
        .apply("GroupByIdHash", CoGroupByKey.create())
        .apply("Join", ParDo.of(new JoinFn(labelsTag, predictionsTag, videosTag, countsTag,
            deadLettersTag)).withOutputTags(videosTag,
            TupleTagList.of(countsTag).and(deadLettersTag)));
    PCollection<KV<String, Long>> counts = joined.get(countsTag)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("SumCounts", Sum.longsPerKey());
    return new Result(videosTag, joined.get(videosTag).setCoder(VideoPredictionsCoder.of()),
        countsTag, counts, deadLettersTag,
        joined.get(deadLettersTag).setCoder(DeadLetterCoder.of()));
  }

  /** The joined videos, the join's counts by name, and duplicate predictions lines. */
  public static final class Result implements POutput {
    private final TupleTag<VideoPredictions> videosTag;
    private final PCollection<VideoPredictions> videos;
    private final TupleTag<KV<String, Long>> countsTag;
    private final PCollection<KV<String, Long>> counts;
    private final TupleTag<DeadLetter> deadLettersTag;
    private final PCollection<DeadLetter> deadLetters;

    private Result(TupleTag<VideoPredictions> videosTag, PCollection<VideoPredictions> videos,
        TupleTag<KV<String, Long>> countsTag, PCollection<KV<String, Long>> counts,
        TupleTag<DeadLetter> deadLettersTag, PCollection<DeadLetter> deadLetters) {
      this.videosTag = videosTag;
      this.videos = videos;
      this.countsTag = countsTag;
      this.counts = counts;
      this.deadLettersTag = deadLettersTag;
      this.deadLetters = deadLetters;
    }

    /** Labelled videos with their predictions (none for videos the file lacks). */
    public PCollection<VideoPredictions> videos() {
      return videos;
    }

    /**
     * {@code videos_without_predictions}, {@code unknown_videos}, {@code unlabelled_videos},
     * {@code duplicate_shard_videos}: only the counts that occurred.
     */
    public PCollection<KV<String, Long>> counts() {
      return counts;
    }

    /** Predictions lines whose video id an earlier line already had. */
    public PCollection<DeadLetter> deadLetters() {
      return deadLetters;
    }

    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return videos.getPipeline();
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return Map.of(videosTag, videos, countsTag, counts, deadLettersTag, deadLetters);
    }

    @Override
    public void finishSpecifyingOutput(String transformName,
        org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
  }

  /** Keys each video by its group: a hash of its id. */
  private static final class GroupFn<V> extends DoFn<KV<String, V>, KV<Integer, KV<String, V>>> {
    private static final long serialVersionUID = 1L;
    private final int groups;

    GroupFn(int groups) {
      this.groups = groups;
    }

    @ProcessElement
    public void process(@Element KV<String, V> video,
        OutputReceiver<KV<Integer, KV<String, V>>> out) {
      out.output(KV.of(Math.floorMod(video.getKey().hashCode(), groups), video));
    }
  }

  private static final class JoinFn extends DoFn<KV<Integer, CoGbkResult>, VideoPredictions> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<RankedPredictions> FIRST = Comparator
        .comparing(RankedPredictions::file).thenComparingLong(RankedPredictions::line);
    private final TupleTag<KV<String, int[]>> labelsTag;
    private final TupleTag<KV<String, RankedPredictions>> predictionsTag;
    private final TupleTag<VideoPredictions> videosTag;
    private final TupleTag<KV<String, Long>> countsTag;
    private final TupleTag<DeadLetter> deadLettersTag;
    private transient Map<String, Long> counts;

    JoinFn(TupleTag<KV<String, int[]>> labelsTag,
        TupleTag<KV<String, RankedPredictions>> predictionsTag,
        TupleTag<VideoPredictions> videosTag, TupleTag<KV<String, Long>> countsTag,
        TupleTag<DeadLetter> deadLettersTag) {
      this.labelsTag = labelsTag;
      this.predictionsTag = predictionsTag;
      this.videosTag = videosTag;
      this.countsTag = countsTag;
      this.deadLettersTag = deadLettersTag;
    }

    @StartBundle
    public void startBundle() {
      counts = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> group, MultiOutputReceiver out) {
      Map<String, List<int[]>> records = new HashMap<>();
      for (KV<String, int[]> record : group.getValue().getAll(labelsTag)) {
        records.computeIfAbsent(record.getKey(), id -> new ArrayList<>(1)).add(record.getValue());
      }
      Map<String, List<RankedPredictions>> lines = new HashMap<>();
      for (KV<String, RankedPredictions> line : group.getValue().getAll(predictionsTag)) {
        lines.computeIfAbsent(line.getKey(), id -> new ArrayList<>(1)).add(line.getValue());
      }
      for (Map.Entry<String, List<RankedPredictions>> video : lines.entrySet()) {
        if (!records.containsKey(video.getKey())) {
          deadLetterDuplicates(video.getKey(), video.getValue(), out);
          count("unknown_videos");
        }
      }
      for (Map.Entry<String, List<int[]>> record : records.entrySet()) {
        join(record.getKey(), record.getValue(),
            lines.getOrDefault(record.getKey(), List.of()), out);
      }
    }

    private void join(String id, List<int[]> records, List<RankedPredictions> videoLines,
        MultiOutputReceiver out) {
      List<RankedPredictions> sorted = deadLetterDuplicates(id, videoLines, out);
      for (int i = 1; i < records.size(); i++) {
        count("duplicate_shard_videos");
      }
      int[] labels = records.stream().min(Arrays::compare).orElseThrow();
      if (labels.length == 0) {
        count("unlabelled_videos");
      } else if (sorted.isEmpty()) {
        count("videos_without_predictions");
        out.get(videosTag).output(new VideoPredictions(id, labels, new int[0], new float[0]));
      } else {
        RankedPredictions first = sorted.get(0);
        out.get(videosTag).output(new VideoPredictions(id, labels, first.ranked(),
            first.scores()));
      }
    }

    /** Keeps a video's first line (by file and line number); the others are dead letters. */
    private List<RankedPredictions> deadLetterDuplicates(String id,
        List<RankedPredictions> videoLines, MultiOutputReceiver out) {
      List<RankedPredictions> sorted = new ArrayList<>(videoLines);
      sorted.sort(FIRST);
      for (RankedPredictions duplicate : sorted.subList(Math.min(1, sorted.size()),
          sorted.size())) {
        Metrics.counter(JoinLabels.class, "malformed_duplicate_video_id").inc();
        out.get(deadLettersTag).output(new DeadLetter(duplicate.file(), duplicate.line(),
            "line " + duplicate.line(), id, "duplicate_video_id", "video " + id
                + " already has predictions on " + sorted.get(0).file() + " line "
                + sorted.get(0).line()));
      }
      return sorted;
    }

    private void count(String name) {
      Metrics.counter(JoinLabels.class, name).inc();
      counts.merge(name, 1L, Long::sum);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      counts.forEach((name, count) -> context.output(countsTag, KV.of(name, count),
          GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      counts = null;
    }
  }
}
