package org.yt8m.transforms.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Throwables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.junit.jupiter.api.Test;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.metrics.TopK;
import org.yt8m.transforms.testing.TestPipelines;

class EvaluateVideosTest {
  private static final int CLASSES = 40;
  private static final int TOP_K = 5;

  @Test
  void agreesWithThePlainLoop() {
    List<VideoPredictions> videos = randomVideos(300, 11);
    EvaluationMetrics expected = plainLoop(videos, false);
    EvaluationMetrics actual = evaluate(List.of(videos), EvaluateVideos.withNumClasses(CLASSES)
        .withTopK(TOP_K));
    assertClose(expected, actual);
  }

  @Test
  void mapOverAllClassesAgreesWithThePlainLoop() {
    List<VideoPredictions> videos = randomVideos(50, 12);
    assertClose(plainLoop(videos, true), evaluate(List.of(videos),
        EvaluateVideos.withNumClasses(CLASSES).withTopK(TOP_K).withMapOverAllClasses(true)));
  }

  @Test
  void bucketingChangesNoFigure() {
    List<VideoPredictions> videos = randomVideos(200, 13);
    EvaluationMetrics one = evaluate(List.of(videos), EvaluateVideos.withNumClasses(CLASSES)
        .withTopK(TOP_K).withBucketBits(0, 0));
    EvaluationMetrics fine = evaluate(List.of(videos), EvaluateVideos.withNumClasses(CLASSES)
        .withTopK(TOP_K).withBucketBits(12, 20));
    assertClose(one, fine, false);
  }

  /** One bundle, many bundles, any order: bit-identical figures. */
  @Test
  void bundlingAndOrderChangeNothing() {
    List<VideoPredictions> videos = randomVideos(400, 14);
    EvaluateVideos evaluate = EvaluateVideos.withNumClasses(CLASSES).withTopK(TOP_K)
        .withBucketBits(4, 10);
    EvaluationMetrics whole = evaluate(List.of(videos), evaluate);
    List<VideoPredictions> shuffled = new ArrayList<>(videos);
    Collections.shuffle(shuffled, new Random(3));
    List<List<VideoPredictions>> many = new ArrayList<>();
    for (int start = 0; start < shuffled.size(); start += 7) {
      many.add(shuffled.subList(start, Math.min(shuffled.size(), start + 7)));
    }
    assertEquals(whole, evaluate(many, evaluate));
    Collections.reverse(many);
    assertEquals(whole, evaluate(many, evaluate));
  }

  /** A negative score's bucket must rank below a positive one's. */
  @Test
  void negativeScoresRankBelowPositiveOnes() {
    List<VideoPredictions> videos = List.of(new VideoPredictions("a", new int[] {0},
        new int[] {0, 1}, new float[] {0.5f, -0.5f}));
    EvaluationMetrics metrics = evaluate(List.of(videos), EvaluateVideos.withNumClasses(2)
        .withTopK(2).withBucketBits(4, 12));
    assertEquals(1.0, metrics.gap());
    assertEquals(1.0, metrics.map());
  }

  @Test
  void aClassOutOfRangeFailsNamingTheVideo() {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(new VideoPredictions("v7", new int[] {1}, new int[] {1, 40},
            new float[] {0.5f, 0.25f})).withCoder(VideoPredictionsCoder.of()))
        .apply(EvaluateVideos.withNumClasses(CLASSES));
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertTrue(Throwables.getStackTraceAsString(e)
        .contains("video v7: class 40 out of range [0, 40)"), e.toString());
  }

  @Test
  void noVideosGiveZeros() {
    Pipeline pipeline = TestPipelines.create();
    PCollection<EvaluationMetrics> metrics = pipeline
        .apply(Create.empty(VideoPredictionsCoder.of()))
        .apply(EvaluateVideos.withNumClasses(3));
    PAssert.thatSingleton(metrics)
        .isEqualTo(new EvaluationMetrics(0, 0, 0, 0, 0, 0, List.of(), List.of()));
    pipeline.run();
  }

  private static EvaluationMetrics evaluate(List<List<VideoPredictions>> parts,
      EvaluateVideos transform) {
    Pipeline pipeline = TestPipelines.create();
    List<PCollection<VideoPredictions>> inputs = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      inputs.add(pipeline.apply("Part" + i, Create.of(parts.get(i))
          .withCoder(VideoPredictionsCoder.of())));
    }
    PCollection<EvaluationMetrics> metrics = PCollectionList.of(inputs)
        .apply(Flatten.pCollections()).apply(transform);
    List<EvaluationMetrics> result = new ArrayList<>();
    PAssert.thatSingleton(metrics).satisfies(m -> {
      CAPTURED.add(m);
      return null;
    });
    CAPTURED.clear();
    pipeline.run().waitUntilFinish();
    result.addAll(CAPTURED);
    assertEquals(1, result.size());
    return result.get(0);
  }

  /** PAssert runs its check in the same JVM on the DirectRunner: collect the value here. */
  private static final List<EvaluationMetrics> CAPTURED =
      Collections.synchronizedList(new ArrayList<>());

  private static EvaluationMetrics plainLoop(List<VideoPredictions> videos, boolean overAll) {
    MetricsAccumulator accumulator = new MetricsAccumulator(CLASSES, TOP_K);
    videos.forEach(v -> accumulator.add(v.labels(), v.ranked(), v.scores()));
    return accumulator.result(overAll);
  }

  private static void assertClose(EvaluationMetrics expected, EvaluationMetrics actual) {
    assertClose(expected, actual, true);
  }

  /** The figures, and the GAP curve when both sides split scores into the same ranges. */
  private static void assertClose(EvaluationMetrics expected, EvaluationMetrics actual,
      boolean sameCurveRanges) {
    assertEquals(expected.examples(), actual.examples());
    assertEquals(expected.hitAtOne(), actual.hitAtOne(), 1e-12);
    assertEquals(expected.perr(), actual.perr(), 1e-12);
    assertEquals(expected.gap(), actual.gap(), 1e-12);
    assertEquals(expected.map(), actual.map(), 1e-12);
    assertEquals(expected.numClassesWithPositives(), actual.numClassesWithPositives());
    assertEquals(expected.perClass().size(), actual.perClass().size());
    assertEquals(expected.gapCurve().size(), sameCurveRanges ? actual.gapCurve().size()
        : expected.gapCurve().size());
    for (int i = 0; sameCurveRanges && i < expected.gapCurve().size(); i++) {
      assertEquals(expected.gapCurve().get(i).recall(), actual.gapCurve().get(i).recall(), 1e-12);
      assertEquals(expected.gapCurve().get(i).precision(),
          actual.gapCurve().get(i).precision(), 1e-12);
    }
    for (int i = 0; i < expected.perClass().size(); i++) {
      assertEquals(expected.perClass().get(i).classId(), actual.perClass().get(i).classId());
      assertEquals(expected.perClass().get(i).ap(), actual.perClass().get(i).ap(), 1e-12);
      assertEquals(expected.perClass().get(i).predictions(),
          actual.perClass().get(i).predictions());
    }
  }

  /**
   * Videos with coarse scores in [-1.5, 0.5] (many ties, negatives as a hinge-loss model gives) and
   * about 3 labels each, some without any.
   */
  static List<VideoPredictions> randomVideos(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<VideoPredictions> videos = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      float[] scores = new float[CLASSES];
      for (int c = 0; c < CLASSES; c++) {
        scores[c] = (random.nextInt(99) - 75) / 49f; // top-k often reaches below 0
      }
      int[] labels = IntStream.range(0, CLASSES).filter(c -> random.nextInt(13) == 0)
          .toArray();
      int[] ranked = TopK.classes(scores, Math.max(TOP_K, labels.length));
      videos.add(new VideoPredictions("v" + v, labels, ranked, TopK.scoresOf(scores, ranked)));
    }
    return videos;
  }
}
