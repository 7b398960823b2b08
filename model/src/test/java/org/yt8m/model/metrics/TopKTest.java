package org.yt8m.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void highestFirstTiesByLowerClass() {
    float[] scores = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f};
    assertArrayEquals(new int[] {1, 4, 0, 2}, TopK.classes(scores, 4));
    assertArrayEquals(new float[] {0.9f, 0.9f, 0.5f, 0.5f},
        TopK.scoresOf(scores, TopK.classes(scores, 4)));
  }

  @Test
  void kLargerThanClassesReturnsAll() {
    assertArrayEquals(new int[] {1, 0}, TopK.classes(new float[] {0.1f, 0.2f}, 20));
    assertArrayEquals(new int[0], TopK.classes(new float[] {0.1f}, 0));
  }

  @Test
  void negativeZeroTiesWithZero() {
    assertArrayEquals(new int[] {0, 1}, TopK.classes(new float[] {0f, -0f}, 2));
    assertArrayEquals(new int[] {0, 1}, TopK.classes(new float[] {-0f, 0f}, 2));
  }

  @Test
  void agreesWithAFullSort() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      float[] scores = new float[1 + random.nextInt(100)];
      for (int c = 0; c < scores.length; c++) {
        scores[c] = random.nextInt(20) / 10f - 0.5f;
      }
      int k = random.nextInt(scores.length + 3);
      int[] expected = IntStream.range(0, scores.length).boxed()
          .sorted((a, b) -> scores[a] == scores[b] ? Integer.compare(a, b)
              : Float.compare(scores[b], scores[a]))
          .limit(k).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, TopK.classes(scores, k), "trial " + trial);
    }
  }

  @Test
  void rejectsNaN() {
    assertEquals("score of class 1 is NaN", assertThrows(IllegalArgumentException.class,
        () -> TopK.classes(new float[] {0f, Float.NaN}, 1)).getMessage());
  }
}
