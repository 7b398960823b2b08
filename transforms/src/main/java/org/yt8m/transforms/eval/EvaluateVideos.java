package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.yt8m.model.metrics.AveragePrecision;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.ScoreCounts;

/**
 * Computes the starter code's metrics (Hit@1, PERR, GAP, per-class AP, mAP) over all videos,
 * exactly, as one {@link EvaluationMetrics}:
 *
 * <pre>{@code
 * PCollection<EvaluationMetrics> metrics = videos.apply("Evaluate",
 *     EvaluateVideos.withNumClasses(3862).withTopK(20));
 * }</pre>
 *
 * <p>Every video contributes its top-k (class, score, label) triples. They are counted exactly,
 * per distinct float32 score, under keys (class or GAP, score bucket), pre-aggregated per bundle
 * so a bundle emits one element per key it touched rather than ~2k per video. Per-key combines
 * merge the counts; a global table of each bucket's totals gives every bucket the positives and
 * predictions of the buckets above it, from which the bucket computes its part of the AP sum;
 * the parts are added per target in descending bucket order. So no accumulator holds all of
 * GAP's triples (6.1M videos x 20 are 122M), and the result is the same for any bundling and
 * order. Classes are one bucket each by default (a class's counts hold at most its top-k
 * appearances); GAP is split into 2^16 score ranges.
 *
 * <p>Input must be in the global window (a batch evaluation).
 */
public final class EvaluateVideos
    extends PTransform<PCollection<VideoPredictions>, PCollection<EvaluationMetrics>> {
  private static final long serialVersionUID = 1L;

  private final int numClasses;
  private final int topK;
  private final boolean mapOverAllClasses;
  private final int classBucketBits;
  private final int gapBucketBits;

  private EvaluateVideos(int numClasses, int topK, boolean mapOverAllClasses,
      int classBucketBits, int gapBucketBits) {
    this.numClasses = numClasses;
    this.topK = topK;
    this.mapOverAllClasses = mapOverAllClasses;
    this.classBucketBits = classBucketBits;
    this.gapBucketBits = gapBucketBits;
  }

  /** Evaluates over {@code numClasses} classes, top-20, mAP over classes with positives. */
  public static EvaluateVideos withNumClasses(int numClasses) {
    return new EvaluateVideos(numClasses, 20, false, 0, 16);
  }

  /** Each video's {@code topK} best predictions count for GAP and AP (default 20). */
  public EvaluateVideos withTopK(int topK) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBucketBits,
        gapBucketBits);
  }

  /**
   * mAP over all classes, counting classes without positives as 0 (the starter code's 2017/2018
   * convention), instead of over the classes with positives.
   */
  public EvaluateVideos withMapOverAllClasses(boolean mapOverAllClasses) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBucketBits,
        gapBucketBits);
  }

  /**
   * How finely scores are split into buckets: {@code 2^classBits} ranges per class and
   * {@code 2^gapBits} for GAP (0 to 31; 0 is one bucket). Figures do not depend on it; memory
   * per accumulator and parallelism do.
   */
  public EvaluateVideos withBucketBits(int classBits, int gapBits) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBits, gapBits);
  }

  @Override
  public PCollection<EvaluationMetrics> expand(PCollection<VideoPredictions> videos) {
    checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
    checkArgument(topK > 0, "topK must be positive, got %s", topK);
    checkArgument(classBucketBits >= 0 && classBucketBits < 32 && gapBucketBits >= 0
        && gapBucketBits < 32, "bucket bits must lie in [0, 31]: %s, %s", classBucketBits,
        gapBucketBits);
    checkArgument(videos.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "EvaluateVideos needs its input in the global window");

    TupleTag<KV<Long, ScoreCounts>> countsTag = new TupleTag<>() {};
    TupleTag<VideoTotals> totalsTag = new TupleTag<>() {};
    PCollectionTuple scored = videos.apply("ScoreVideos",
        ParDo.of(new ScoreVideosFn(numClasses, topK, classBucketBits, gapBucketBits, countsTag,
            totalsTag)).withOutputTags(countsTag, TupleTagList.of(totalsTag)));

    PCollection<KV<Long, ScoreCounts>> counts = scored.get(countsTag)
        .setCoder(KvCoder.of(VarLongCoder.of(), ScoreCountsCoder.of()))
        .apply("CombineCounts", Combine.perKey(new MergeCountsFn()));
    PCollectionView<BucketTable> table = counts
        .apply("SummarizeBuckets", MapElements.into(TypeDescriptor.of(BucketSummary.class))
            .via(kv -> new BucketSummary(kv.getKey(), kv.getValue().totalPositives(),
                kv.getValue().totalCount(), 0)))
        .setCoder(BucketSummary.Coder.of())
        .apply("TabulateBuckets", Combine.globally(new BucketTableFn()).asSingletonView());
    PCollectionView<List<BucketSummary>> parts = counts
        .apply("BucketParts", ParDo.of(new BucketPartFn())
            .withSideInput(BucketPartFn.TABLE, table))
        .setCoder(BucketSummary.Coder.of())
        .apply("CollectParts", View.asList());
    return scored.get(totalsTag).setCoder(VideoTotals.Coder.of())
        .apply("CombineTotals", Combine.globally(new MergeTotalsFn(numClasses)))
        .apply("ComputeMetrics", ParDo.of(new ComputeMetricsFn(numClasses, mapOverAllClasses))
            .withSideInput(ComputeMetricsFn.PARTS, parts))
        .setCoder(EvaluationMetricsCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("numClasses", numClasses).withLabel("Classes"))
        .add(DisplayData.item("topK", topK).withLabel("Top-k per video"))
        .add(DisplayData.item("mapOverAllClasses", mapOverAllClasses)
            .withLabel("mAP over all classes"))
        .add(DisplayData.item("classBucketBits", classBucketBits).withLabel("Class bucket bits"))
        .add(DisplayData.item("gapBucketBits", gapBucketBits).withLabel("GAP bucket bits"));
  }

  /** Per video: totals and top-k counts, pre-aggregated per bundle. */
  private static final class ScoreVideosFn extends DoFn<VideoPredictions, KV<Long, ScoreCounts>> {
    private static final long serialVersionUID = 1L;
    private final int numClasses;
    private final int topK;
    private final int classBucketBits;
    private final int gapBucketBits;
    private final TupleTag<KV<Long, ScoreCounts>> countsTag;
    private final TupleTag<VideoTotals> totalsTag;
    private transient Map<Long, ScoreCounts> counts;
    private transient VideoTotals totals;

    ScoreVideosFn(int numClasses, int topK, int classBucketBits, int gapBucketBits,
        TupleTag<KV<Long, ScoreCounts>> countsTag, TupleTag<VideoTotals> totalsTag) {
      this.numClasses = numClasses;
      this.topK = topK;
      this.classBucketBits = classBucketBits;
      this.gapBucketBits = gapBucketBits;
      this.countsTag = countsTag;
      this.totalsTag = totalsTag;
    }

    @StartBundle
    public void startBundle() {
      counts = new HashMap<>();
      totals = new VideoTotals(numClasses);
    }

    @ProcessElement
    public void process(@Element VideoPredictions video) {
      for (int label : video.labels()) {
        checkArgument(label >= 0 && label < numClasses,
            "video %s: label %s out of range [0, %s)", video.id(), label, numClasses);
      }
      totals.add(video);
      for (int i = 0; i < Math.min(topK, video.ranked().length); i++) {
        int c = video.ranked()[i];
        checkArgument(c >= 0 && c < numClasses, "video %s: class %s out of range [0, %s)",
            video.id(), c, numClasses);
        float score = video.scores()[i];
        boolean positive = Arrays.binarySearch(video.labels(), c) >= 0;
        counts.computeIfAbsent(ApKeys.key(c, ApKeys.bucket(score, classBucketBits)),
            k -> new ScoreCounts()).add(score, positive);
        counts.computeIfAbsent(ApKeys.key(ApKeys.GAP, ApKeys.bucket(score, gapBucketBits)),
            k -> new ScoreCounts()).add(score, positive);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<Long, ScoreCounts> entry : counts.entrySet()) {
        context.output(countsTag, KV.of(entry.getKey(), entry.getValue().compact()),
            GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
      context.output(totalsTag, totals, GlobalWindow.INSTANCE.maxTimestamp(),
          GlobalWindow.INSTANCE);
      counts = null;
      totals = null;
    }
  }

  private static final class MergeCountsFn
      extends Combine.CombineFn<ScoreCounts, ScoreCounts, ScoreCounts> {
    private static final long serialVersionUID = 1L;

    @Override
    public ScoreCounts createAccumulator() {
      return new ScoreCounts();
    }

    @Override
    public ScoreCounts addInput(ScoreCounts accumulator, ScoreCounts input) {
      return accumulator.addAll(input);
    }

    @Override
    public ScoreCounts mergeAccumulators(Iterable<ScoreCounts> accumulators) {
      ScoreCounts merged = new ScoreCounts();
      accumulators.forEach(merged::addAll);
      return merged;
    }

    @Override
    public ScoreCounts extractOutput(ScoreCounts accumulator) {
      return accumulator.compact();
    }

    @Override
    public Coder<ScoreCounts> getAccumulatorCoder(CoderRegistry registry,
        Coder<ScoreCounts> input) {
      return ScoreCountsCoder.of();
    }

    @Override
    public Coder<ScoreCounts> getDefaultOutputCoder(CoderRegistry registry,
        Coder<ScoreCounts> input) {
      return ScoreCountsCoder.of();
    }
  }

  /**
   * For each key, the positives and predictions of the same target's higher buckets: what a
   * bucket's precision must add to its own running counts.
   */
  static final class BucketTable {
    private final List<BucketSummary> summaries;
    private final Map<Long, long[]> above = new HashMap<>();

    BucketTable(List<BucketSummary> summaries) {
      this.summaries = List.copyOf(summaries);
      List<BucketSummary> sorted = new ArrayList<>(summaries);
      // By target, then bucket descending.
      sorted.sort((a, b) -> ApKeys.target(a.key()) != ApKeys.target(b.key())
          ? Integer.compare(ApKeys.target(a.key()), ApKeys.target(b.key()))
          : Integer.compare(ApKeys.bucket(b.key()), ApKeys.bucket(a.key())));
      int target = Integer.MIN_VALUE;
      long positives = 0;
      long count = 0;
      for (BucketSummary summary : sorted) {
        if (ApKeys.target(summary.key()) != target) {
          target = ApKeys.target(summary.key());
          positives = 0;
          count = 0;
        }
        above.put(summary.key(), new long[] {positives, count});
        positives += summary.positives();
        count += summary.count();
      }
    }

    long[] above(long key) {
      return above.get(key);
    }

    /** Encodes a table as the summaries it was built from. */
    static final class Coder extends AtomicCoder<BucketTable> {
      private static final ListCoder<BucketSummary> SUMMARIES =
          ListCoder.of(BucketSummary.Coder.of());

      @Override
      public void encode(BucketTable table, OutputStream out) throws IOException {
        SUMMARIES.encode(table.summaries, out);
      }

      @Override
      public BucketTable decode(InputStream in) throws IOException {
        return new BucketTable(SUMMARIES.decode(in));
      }
    }
  }

  private static final class BucketTableFn
      extends Combine.CombineFn<BucketSummary, List<BucketSummary>, BucketTable> {
    private static final long serialVersionUID = 1L;

    @Override
    public List<BucketSummary> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<BucketSummary> addInput(List<BucketSummary> accumulator, BucketSummary input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<BucketSummary> mergeAccumulators(Iterable<List<BucketSummary>> accumulators) {
      List<BucketSummary> merged = new ArrayList<>();
      accumulators.forEach(merged::addAll);
      return merged;
    }

    @Override
    public BucketTable extractOutput(List<BucketSummary> accumulator) {
      return new BucketTable(accumulator);
    }

    @Override
    public Coder<List<BucketSummary>> getAccumulatorCoder(CoderRegistry registry,
        Coder<BucketSummary> input) {
      return ListCoder.of(BucketSummary.Coder.of());
    }

    @Override
    public Coder<BucketTable> getDefaultOutputCoder(CoderRegistry registry,
        Coder<BucketSummary> input) {
      return new BucketTable.Coder();
    }
  }

  private static final class BucketPartFn extends DoFn<KV<Long, ScoreCounts>, BucketSummary> {
    private static final long serialVersionUID = 1L;
    static final String TABLE = "bucketTable";

    @ProcessElement
    public void process(@Element KV<Long, ScoreCounts> bucket,
        @SideInput(TABLE) BucketTable table, OutputReceiver<BucketSummary> out) {
      long[] above = table.above(bucket.getKey());
      ScoreCounts counts = bucket.getValue();
      out.output(new BucketSummary(bucket.getKey(), counts.totalPositives(),
          counts.totalCount(), AveragePrecision.partialSum(counts, above[0], above[1])));
    }
  }

  private static final class MergeTotalsFn
      extends Combine.CombineFn<VideoTotals, VideoTotals, VideoTotals> {
    private static final long serialVersionUID = 1L;
    private final int numClasses;

    MergeTotalsFn(int numClasses) {
      this.numClasses = numClasses;
    }

    @Override
    public VideoTotals createAccumulator() {
      return new VideoTotals(numClasses);
    }

    @Override
    public VideoTotals addInput(VideoTotals accumulator, VideoTotals input) {
      return accumulator.merge(input);
    }

    @Override
    public VideoTotals mergeAccumulators(Iterable<VideoTotals> accumulators) {
      VideoTotals merged = new VideoTotals(numClasses);
      accumulators.forEach(merged::merge);
      return merged;
    }

    @Override
    public VideoTotals extractOutput(VideoTotals accumulator) {
      return accumulator;
    }

    @Override
    public Coder<VideoTotals> getAccumulatorCoder(CoderRegistry registry,
        Coder<VideoTotals> input) {
      return VideoTotals.Coder.of();
    }

    @Override
    public Coder<VideoTotals> getDefaultOutputCoder(CoderRegistry registry,
        Coder<VideoTotals> input) {
      return VideoTotals.Coder.of();
    }
  }

  private static final class ComputeMetricsFn extends DoFn<VideoTotals, EvaluationMetrics> {
    private static final long serialVersionUID = 1L;
    static final String PARTS = "bucketParts";
    private final int numClasses;
    private final boolean mapOverAllClasses;

    ComputeMetricsFn(int numClasses, boolean mapOverAllClasses) {
      this.numClasses = numClasses;
      this.mapOverAllClasses = mapOverAllClasses;
    }

    @ProcessElement
    public void process(@Element VideoTotals totals, @SideInput(PARTS) List<BucketSummary> parts,
        OutputReceiver<EvaluationMetrics> out) {
      // Per target, parts are added highest bucket first: the same sum whatever the order.
      List<BucketSummary> sorted = new ArrayList<>(parts);
      sorted.sort((a, b) -> Integer.compare(ApKeys.bucket(b.key()), ApKeys.bucket(a.key())));
      double[] sums = new double[numClasses + 1]; // index target + 1: GAP first
      long[] predictions = new long[numClasses + 1];
      for (BucketSummary part : sorted) {
        int index = ApKeys.target(part.key()) + 1;
        sums[index] += part.partialSum();
        predictions[index] += part.count();
      }
      List<ClassAp> perClass = new ArrayList<>();
      for (int c = 0; c < numClasses; c++) {
        long positives = totals.classPositives[c];
        if (positives > 0) {
          perClass.add(new ClassAp(c, sums[c + 1] / positives, positives, predictions[c + 1]));
        }
      }
      double gap = totals.allPositives == 0 ? 0 : sums[0] / totals.allPositives;
      out.output(new EvaluationMetrics(totals.examples, totals.hitAtOne(), totals.perr(), gap,
          EvaluationMetrics.meanAp(perClass, mapOverAllClasses, numClasses), perClass.size(),
          perClass));
    }
  }
}
