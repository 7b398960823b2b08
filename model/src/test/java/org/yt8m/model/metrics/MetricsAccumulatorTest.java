package org.yt8m.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetricsAccumulatorTest {

  /**
   * A numpy case computed with the starter's eval_util.py: {@code RandomState(42)},
   * {@code pred = rand(200,50).astype(float32)}, {@code lab = rand(200,50) < 0.06}, row 0 of
   * {@code lab} zeroed. Golden figures from the starter's code; an independent Python
   * computation of its definitions gave the same.
   */
  @Test
  void matchesTheReferencesRandomCase() {
    NumpyRandomState random = new NumpyRandomState(42);
    assertEquals(0.3745401188473625, new NumpyRandomState(42).rand());
    float[][] predictions = new float[200][50];
    for (float[] row : predictions) {
      for (int c = 0; c < 50; c++) {
        row[c] = (float) random.rand();
      }
    }
    MetricsAccumulator accumulator = new MetricsAccumulator(50, 20);
    for (int v = 0; v < 200; v++) {
      List<Integer> labels = new ArrayList<>();
      for (int c = 0; c < 50; c++) {
        if (random.rand() < 0.06 && v != 0) {
          labels.add(c);
        }
      }
      accumulator.addScores(labels.stream().mapToInt(Integer::intValue).toArray(),
          predictions[v]);
    }
    EvaluationMetrics metrics = accumulator.result(false);
    assertEquals(0.045, metrics.hitAtOne(), 1e-12);
    assertEquals(0.05191666666666667, metrics.perr(), 1e-12);
    assertEquals(0.021710291380586163, metrics.gap(), 1e-12);
    assertEquals(0.03771822881093534, metrics.map(), 1e-12);
    assertEquals(50, metrics.numClassesWithPositives());
    assertEquals(200, metrics.examples());
  }

  @Test
  void mapOverAllClassesCountsEmptyClassesAsZero() {
    MetricsAccumulator accumulator = new MetricsAccumulator(4, 2)
        .addScores(new int[] {0}, new float[] {0.9f, 0.1f, 0.2f, 0.3f});
    assertEquals(1.0, accumulator.result(false).map());
    assertEquals(0.25, accumulator.result(true).map());
  }

  @Test
  void recallCountsPositivesOutsideTheTopK() {
    // Labels 0 and 3; only class 0 makes the top 1: GAP = (1 * 1/1) / 2.
    EvaluationMetrics metrics = new MetricsAccumulator(4, 1)
        .addScores(new int[] {0, 3}, new float[] {0.9f, 0.5f, 0.5f, 0.1f}).result(false);
    assertEquals(0.5, metrics.gap());
    assertEquals(1.0, metrics.hitAtOne());
    assertEquals(0.5, metrics.perr(), "top 2: classes 0 and 1 (tie with 2 broken by index)");
    assertEquals(0.0, metrics.perClass().get(1).ap(), "class 3 never predicted in the top 1");
  }

  @Test
  void videosWithoutLabelsCountInHitAndPerrDenominators() {
    EvaluationMetrics metrics = new MetricsAccumulator(3, 2)
        .addScores(new int[] {1}, new float[] {0.1f, 0.9f, 0.2f})
        .addScores(new int[0], new float[] {0.1f, 0.9f, 0.2f}).result(false);
    assertEquals(0.5, metrics.hitAtOne());
    assertEquals(0.5, metrics.perr());
  }

  @Test
  void perrCountsOnlyPositiveScores() {
    EvaluationMetrics metrics = new MetricsAccumulator(3, 3)
        .addScores(new int[] {0}, new float[] {0f, -1f, -2f}).result(false);
    assertEquals(1.0, metrics.hitAtOne(), "Hit@1 takes the argmax whatever its score");
    assertEquals(0.0, metrics.perr(), "a score of 0 is no hit for PERR");
  }

  /** Random videos with ties, against the brute-force computation in this test. */
  @Test
  void agreesWithBruteForceOnRandomCasesWithTies() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 30; trial++) {
      int classes = 2 + random.nextInt(30);
      int videos = 1 + random.nextInt(60);
      int k = 1 + random.nextInt(classes + 2);
      MetricsAccumulator accumulator = new MetricsAccumulator(classes, k);
      List<float[]> scores = new ArrayList<>();
      List<int[]> labels = new ArrayList<>();
      for (int v = 0; v < videos; v++) {
        float[] row = new float[classes];
        for (int c = 0; c < classes; c++) {
          // Few distinct values: many ties, -0.0 against 0.0, and negative scores.
          row[c] = random.nextInt(6) == 0 ? -0f : (random.nextInt(9) - 4) / 4f;
        }
        int[] videoLabels = IntStream.range(0, classes).filter(c -> random.nextInt(4) == 0)
            .toArray();
        scores.add(row);
        labels.add(videoLabels);
        accumulator.addScores(videoLabels, row);
      }
      EvaluationMetrics metrics = accumulator.result(false);
      BruteForce expected = new BruteForce(scores, labels, classes, k);
      assertEquals(expected.gap(), metrics.gap(), 1e-12, "trial " + trial);
      assertEquals(expected.map(), metrics.map(), 1e-12, "trial " + trial);
      assertEquals(expected.hitAtOne(), metrics.hitAtOne(), 1e-12, "trial " + trial);
      assertEquals(expected.perr(), metrics.perr(), 1e-12, "trial " + trial);
    }
  }

  /**
   * The definitions, computed the slow way: full sorts with comparators, tie groups found by
   * scanning, no shared code with the accumulator.
   */
  private record BruteForce(List<float[]> scores, List<int[]> labels, int classes, int k) {

    List<Integer> order(float[] row) {
      List<Integer> order = new ArrayList<>(IntStream.range(0, classes).boxed().toList());
      order.sort((a, b) -> row[a] == row[b] ? Integer.compare(a, b) : row[a] > row[b] ? -1 : 1);
      return order;
    }

    boolean labelled(int video, int c) {
      for (int label : labels.get(video)) {
        if (label == c) {
          return true;
        }
      }
      return false;
    }

    double hitAtOne() {
      double sum = 0;
      for (int v = 0; v < scores.size(); v++) {
        sum += labelled(v, order(scores.get(v)).get(0)) ? 1 : 0;
      }
      return sum / scores.size();
    }

    double perr() {
      double sum = 0;
      for (int v = 0; v < scores.size(); v++) {
        int n = labels.get(v).length;
        int hits = 0;
        for (int c : order(scores.get(v)).subList(0, n)) {
          hits += labelled(v, c) && scores.get(v)[c] > 0 ? 1 : 0;
        }
        sum += n == 0 ? 0 : (double) hits / n;
      }
      return sum / scores.size();
    }

    double gap() {
      List<double[]> pairs = new ArrayList<>();
      long positives = 0;
      for (int v = 0; v < scores.size(); v++) {
        positives += labels.get(v).length;
        for (int c : order(scores.get(v)).subList(0, Math.min(k, classes))) {
          pairs.add(new double[] {scores.get(v)[c], labelled(v, c) ? 1 : 0});
        }
      }
      return ap(pairs, positives);
    }

    double map() {
      double sum = 0;
      int withPositives = 0;
      for (int c = 0; c < classes; c++) {
        List<double[]> pairs = new ArrayList<>();
        long positives = 0;
        for (int v = 0; v < scores.size(); v++) {
          positives += labelled(v, c) ? 1 : 0;
          if (order(scores.get(v)).subList(0, Math.min(k, classes)).contains(c)) {
            pairs.add(new double[] {scores.get(v)[c], labelled(v, c) ? 1 : 0});
          }
        }
        if (positives > 0) {
          sum += ap(pairs, positives);
          withPositives++;
        }
      }
      return withPositives == 0 ? 0 : sum / withPositives;
    }

    static double ap(List<double[]> pairs, long positives) {
      Collections.shuffle(pairs, new java.util.Random(1)); // order must not matter
      pairs.sort((a, b) -> Double.compare(b[0], a[0]));
      double sum = 0;
      double hits = 0;
      int i = 0;
      while (i < pairs.size()) {
        int j = i;
        double groupHits = 0;
        while (j < pairs.size() && pairs.get(j)[0] == pairs.get(i)[0]) {
          groupHits += pairs.get(j)[1];
          j++;
        }
        hits += groupHits;
        sum += groupHits * hits / j;
        i = j;
      }
      return positives == 0 ? 0 : sum / positives;
    }
  }
}
