package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.yt8m.model.metrics.AveragePrecision;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.transforms.combine.AccumulatorFn;

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
 * per distinct float32 score, under keys (class or GAP, score bucket), and the keys are spread
 * over a fixed number of combine groups ({@link #withGroups}). A bundle emits one element per
 * group it touched (not ~2k per video); the per-group combine merges the counts; a global table
 * of each key's totals gives every bucket the positives and predictions of the buckets above
 * it, from which the bucket computes its part of the AP sum; the parts are added per target in
 * descending bucket order. So no accumulator holds all of GAP's triples (6.1M videos x 20 are
 * 122M), and the result is the same for any bundling and order. Classes are one bucket each by
 * default (a class's counts hold at most its top-k appearances); GAP is split by score into 8
 * ranges per power of two.
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
  private final int groups;

  private EvaluateVideos(int numClasses, int topK, boolean mapOverAllClasses,
      int classBucketBits, int gapBucketBits, int groups) {
    this.numClasses = numClasses;
    this.topK = topK;
    this.mapOverAllClasses = mapOverAllClasses;
    this.classBucketBits = classBucketBits;
    this.gapBucketBits = gapBucketBits;
    this.groups = groups;
  }

  /** Evaluates over {@code numClasses} classes, top-20, mAP over classes with positives. */
  public static EvaluateVideos withNumClasses(int numClasses) {
    return new EvaluateVideos(numClasses, 20, false, 0, 12, 64);
  }

  /** Each video's {@code topK} best predictions count for GAP and AP (default 20). */
  public EvaluateVideos withTopK(int topK) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBucketBits,
        gapBucketBits, groups);
  }

  /**
   * mAP over all classes, counting classes without positives as 0 (the starter code's 2017/2018
   * convention), instead of over the classes with positives.
   */
  public EvaluateVideos withMapOverAllClasses(boolean mapOverAllClasses) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBucketBits,
        gapBucketBits, groups);
  }

  /**
   * How finely scores are split into buckets: {@code 2^classBits} ranges per class and
   * {@code 2^gapBits} for GAP (0 to 31; 0 is one bucket; defaults 0 and 12, which is 8 ranges
   * per power of two). Figures agree whatever the split to float64 rounding (the parts of a sum
   * are added in another grouping); the size of each accumulator depends on it.
   */
  public EvaluateVideos withBucketBits(int classBits, int gapBits) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBits, gapBits, groups);
  }

  /**
   * The number of combine keys the (class or GAP, bucket) counts are spread over (default 64):
   * the parallelism of the combine, and each accumulator holds about 1/groups of all counts.
   */
  public EvaluateVideos withGroups(int groups) {
    return new EvaluateVideos(numClasses, topK, mapOverAllClasses, classBucketBits,
        gapBucketBits, groups);
  }

  @Override
  public PCollection<EvaluationMetrics> expand(PCollection<VideoPredictions> videos) {
    validate(videos);
    PCollectionTuple partials = videos.apply("ScoreVideos", ParDo.of(new ScoreVideosFn(this))
        .withOutputTags(BundleCounts.COUNTS, TupleTagList.of(BundleCounts.TOTALS)));
    return BundleCounts.partialsOf(partials).apply("CombinePartials", combinePartials());
  }

  /** Checks the settings, and that {@code input} is in the global window. */
  void validate(PCollection<?> input) {
    checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
    checkArgument(topK > 0, "topK must be positive, got %s", topK);
    checkArgument(classBucketBits >= 0 && classBucketBits < 32 && gapBucketBits >= 0
        && gapBucketBits < 32, "bucket bits must lie in [0, 31]: %s, %s", classBucketBits,
        gapBucketBits);
    checkArgument(groups > 0, "groups must be positive, got %s", groups);
    checkArgument(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "evaluation needs its input in the global window");
  }

  /**
   * The transform that turns the {@link BundleCounts} of all bundles
   * ({@link BundleCounts#partialsOf}) into the metrics: for DoFns that evaluate videos as a
   * step of their own work (a join, scoring with a model) instead of taking
   * {@link VideoPredictions}.
   */
  CombinePartials combinePartials() {
    return new CombinePartials(this);
  }

  int numClasses() {
    return numClasses;
  }

  int topK() {
    return topK;
  }

  int classBucketBits() {
    return classBucketBits;
  }

  int gapBucketBits() {
    return gapBucketBits;
  }

  int groups() {
    return groups;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("numClasses", numClasses).withLabel("Classes"))
        .add(DisplayData.item("topK", topK).withLabel("Top-k per video"))
        .add(DisplayData.item("mapOverAllClasses", mapOverAllClasses)
            .withLabel("mAP over all classes"))
        .add(DisplayData.item("classBucketBits", classBucketBits).withLabel("Class bucket bits"))
        .add(DisplayData.item("gapBucketBits", gapBucketBits).withLabel("GAP bucket bits"))
        .add(DisplayData.item("groups", groups).withLabel("Combine groups"));
  }

  /**
   * Merges the bundles' counts per combine group and computes the metrics: the part of the
   * evaluation after {@link BundleCounts}.
   */
  static final class CombinePartials
      extends PTransform<PCollectionTuple, PCollection<EvaluationMetrics>> {
    private static final long serialVersionUID = 1L;
    private final EvaluateVideos spec;

    private CombinePartials(EvaluateVideos spec) {
      this.spec = spec;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.include("evaluate", spec);
    }

    @Override
    public PCollection<EvaluationMetrics> expand(PCollectionTuple partials) {
      PCollection<KV<Integer, KeyedCounts>> counts = partials.get(BundleCounts.COUNTS)
          .apply("CombineCounts", Combine.perKey(
              AccumulatorFn.<KeyedCounts, KeyedCounts>of(KeyedCounts::new,
                  KeyedCounts.Coder.of())));
      PCollectionView<BucketTable> table = counts
          .apply("SummarizeBuckets", ParDo.of(new SummarizeFn()))
          .setCoder(BucketSummary.Coder.of())
          .apply("TabulateBuckets", Combine.globally(new BucketTableFn()).asSingletonView());
      PCollectionView<List<BucketSummary>> parts = counts
          .apply("BucketParts", ParDo.of(new BucketPartFn())
              .withSideInput(BucketPartFn.TABLE, table))
          .setCoder(BucketSummary.Coder.of())
          .apply("CollectParts", View.asList());
      int numClasses = spec.numClasses;
      return partials.get(BundleCounts.TOTALS)
          .apply("CombineTotals", Combine.globally(AccumulatorFn.<VideoTotals, VideoTotals>of(
              () -> new VideoTotals(numClasses), VideoTotals.Coder.of())))
          .apply("ComputeMetrics", ParDo.of(new ComputeMetricsFn(numClasses,
              spec.mapOverAllClasses, spec.gapBucketBits))
              .withSideInput(ComputeMetricsFn.PARTS, parts))
          .setCoder(EvaluationMetricsCoder.of());
    }
  }

  /** Per video: totals and top-k counts, pre-aggregated per bundle. */
  private static final class ScoreVideosFn
      extends DoFn<VideoPredictions, KV<Integer, KeyedCounts>> {
    private static final long serialVersionUID = 1L;
    private final EvaluateVideos spec;
    private transient BundleCounts counts;

    /** Takes the (immutable, serializable) transform as its configuration. */
    ScoreVideosFn(EvaluateVideos spec) {
      this.spec = spec;
    }

    @StartBundle
    public void startBundle() {
      counts = new BundleCounts(spec);
    }

    @ProcessElement
    public void process(@Element VideoPredictions video) {
      counts.add(video);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      counts.output(context);
      counts = null;
    }
  }

  /** Each key's totals, for the bucket table. */
  private static final class SummarizeFn extends DoFn<KV<Integer, KeyedCounts>, BucketSummary> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element KV<Integer, KeyedCounts> group,
        OutputReceiver<BucketSummary> out) {
      group.getValue().counts().forEach((key, counts) -> out.output(new BucketSummary(key,
          counts.totalPositives(), counts.totalCount(), 0)));
    }
  }

  /**
   * For each key, the positives and predictions of the same target's higher buckets: what a
   * bucket's precision must add to its own running counts. Sorted arrays, looked up by binary
   * search, so the side input is cheap to decode wherever it is read.
   */
  static final class BucketTable {
    private final long[] keys;
    private final long[] positivesAbove;
    private final long[] countAbove;

    private BucketTable(long[] keys, long[] positivesAbove, long[] countAbove) {
      this.keys = keys;
      this.positivesAbove = positivesAbove;
      this.countAbove = countAbove;
    }

    static BucketTable of(List<BucketSummary> summaries) {
      List<BucketSummary> sorted = new ArrayList<>(summaries);
      sorted.sort(Comparator.comparingLong(BucketSummary::key));
      int size = sorted.size();
      long[] keys = new long[size];
      long[] positivesAbove = new long[size];
      long[] countAbove = new long[size];
      // Within a target, keys ascend with the bucket: walk each target from its top bucket.
      int end = size;
      while (end > 0) {
        int target = ApKeys.target(sorted.get(end - 1).key());
        long positives = 0;
        long count = 0;
        int i = end - 1;
        for (; i >= 0 && ApKeys.target(sorted.get(i).key()) == target; i--) {
          keys[i] = sorted.get(i).key();
          positivesAbove[i] = positives;
          countAbove[i] = count;
          positives += sorted.get(i).positives();
          count += sorted.get(i).count();
        }
        end = i + 1;
      }
      return new BucketTable(keys, positivesAbove, countAbove);
    }

    /** {positives, predictions} above {@code key}'s bucket. */
    long[] above(long key) {
      int i = Arrays.binarySearch(keys, key);
      checkArgument(i >= 0, "no bucket %s in the table", key);
      return new long[] {positivesAbove[i], countAbove[i]};
    }

    /** Encodes a table as its three arrays. */
    static final class Coder extends AtomicCoder<BucketTable> {
      @Override
      public void encode(BucketTable table, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(table.keys.length);
        for (int i = 0; i < table.keys.length; i++) {
          data.writeLong(table.keys[i]);
          data.writeLong(table.positivesAbove[i]);
          data.writeLong(table.countAbove[i]);
        }
        data.flush();
      }

      @Override
      public BucketTable decode(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int size = data.readInt();
        long[] keys = new long[size];
        long[] positivesAbove = new long[size];
        long[] countAbove = new long[size];
        for (int i = 0; i < size; i++) {
          keys[i] = data.readLong();
          positivesAbove[i] = data.readLong();
          countAbove[i] = data.readLong();
        }
        return new BucketTable(keys, positivesAbove, countAbove);
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
      return BucketTable.of(accumulator);
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

  private static final class BucketPartFn
      extends DoFn<KV<Integer, KeyedCounts>, BucketSummary> {
    private static final long serialVersionUID = 1L;
    static final String TABLE = "bucketTable";

    @ProcessElement
    public void process(@Element KV<Integer, KeyedCounts> group,
        @SideInput(TABLE) BucketTable table, OutputReceiver<BucketSummary> out) {
      group.getValue().counts().forEach((key, counts) -> {
        long[] above = table.above(key);
        out.output(new BucketSummary(key, counts.totalPositives(), counts.totalCount(),
            AveragePrecision.partialSum(counts, above[0], above[1])));
      });
    }
  }

  private static final class ComputeMetricsFn extends DoFn<VideoTotals, EvaluationMetrics> {
    private static final long serialVersionUID = 1L;
    static final String PARTS = "bucketParts";
    private final int numClasses;
    private final boolean mapOverAllClasses;

    private final int gapBucketBits;

    ComputeMetricsFn(int numClasses, boolean mapOverAllClasses, int gapBucketBits) {
      this.numClasses = numClasses;
      this.mapOverAllClasses = mapOverAllClasses;
      this.gapBucketBits = gapBucketBits;
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
      List<long[]> gapRanges = new ArrayList<>();
      for (BucketSummary part : sorted) {
        if (ApKeys.target(part.key()) == ApKeys.GAP) {
          gapRanges.add(new long[] {ApKeys.bucket(part.key()), part.positives(), part.count()});
        }
      }
      out.output(new EvaluationMetrics(totals.examples, totals.hitAtOne(), totals.perr(), gap,
          EvaluationMetrics.meanAp(perClass, mapOverAllClasses, numClasses), perClass.size(),
          perClass, EvaluationMetrics.curve(gapRanges, gapBucketBits, totals.allPositives)));
    }
  }
}
