package org.yt8m.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AveragePrecisionTest {
  @Test
  void referenceGoldenValues() {
    assertEquals(5.0 / 7, ap(new float[] {0.98f, 0.88f, 0.77f, 0.65f, 0.64f, 0.59f, 0.45f, 0.43f,
        0.20f, 0.05f}, new int[] {1, 1, 0, 0, 0, 1, 1, 0, 0, 1}), 1e-12);
    assertEquals(0.7222222222222222, ap(new float[] {0.878f, 0.832f, 0.759f, 0.621f, 0.458f,
        0.285f, 0.134f}, new int[] {1, 0, 1, 0, 0, 1, 0}), 1e-12);
    assertEquals(1.0, ap(new float[] {0.98f}, new int[] {1}));
    assertEquals(0.0, ap(new float[] {0.56f}, new int[] {0}));
  }

  @Test
  void equalScoresFormOneThreshold() {
    // Three predictions at 0.5, one positive: precision at that threshold is 1/3, whatever the
    // order the predictions arrived in.
    assertEquals(1.0 / 3, ap(new float[] {0.5f, 0.5f, 0.5f}, new int[] {0, 1, 0}), 1e-15);
    assertEquals(1.0 / 3, ap(new float[] {0.5f, 0.5f, 0.5f}, new int[] {1, 0, 0}), 1e-15);
  }

  @Test
  void negativeZeroEqualsZero() {
    assertEquals(ap(new float[] {0f, 0f}, new int[] {1, 0}),
        ap(new float[] {-0f, 0f}, new int[] {1, 0}));
  }

  @Test
  void bucketPartsAddUpToTheWhole() {
    float[] scores = {0.9f, 0.8f, 0.8f, 0.3f, 0.2f, 0.01f};
    int[] labels = {1, 0, 1, 1, 0, 1};
    ScoreCounts high = new ScoreCounts();
    ScoreCounts low = new ScoreCounts();
    for (int i = 0; i < scores.length; i++) {
      (scores[i] >= 0.5f ? high : low).add(scores[i], labels[i] == 1);
    }
    double parts = AveragePrecision.partialSum(high, 0, 0)
        + AveragePrecision.partialSum(low, high.totalPositives(), high.totalCount());
    assertEquals(ap(scores, labels), parts / 4, 1e-15);
  }

  @Test
  void rejectsNonFiniteScores() {
    assertThrows(IllegalArgumentException.class, () -> new ScoreCounts().add(Float.NaN, true));
    assertThrows(IllegalArgumentException.class,
        () -> new ScoreCounts().add(Float.POSITIVE_INFINITY, true));
  }

  private static double ap(float[] scores, int[] labels) {
    ScoreCounts counts = new ScoreCounts();
    long positives = 0;
    for (int i = 0; i < scores.length; i++) {
      counts.add(scores[i], labels[i] == 1);
      positives += labels[i];
    }
    return AveragePrecision.of(counts, positives);
  }
}
