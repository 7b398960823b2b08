package org.yt8m.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreCountsTest {
  @Test
  void compactsToDistinctScoresHighestFirst() {
    ScoreCounts counts = new ScoreCounts().add(0.2f, true).add(0.7f, false).add(0.2f, false)
        .add(-0f, true).add(0f, false).compact();
    assertEquals(3, counts.size());
    assertEquals(0.7f, counts.score(0));
    assertEquals(0.2f, counts.score(1));
    assertEquals(1, counts.positives(1));
    assertEquals(2, counts.count(1));
    assertEquals(0f, counts.score(2));
    assertEquals(2, counts.count(2), "-0.0 and 0.0 are one score");
  }

  @Test
  void mergingInAnyGroupingGivesTheSameCounts() {
    SplittableRandom random = new SplittableRandom(9);
    float[] scores = new float[5000];
    boolean[] labels = new boolean[5000];
    ScoreCounts whole = new ScoreCounts();
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextInt(300) / 299f;
      labels[i] = random.nextBoolean();
      whole.add(scores[i], labels[i]);
    }
    ScoreCounts merged = new ScoreCounts();
    for (int start = scores.length - 1; start >= 0; start -= 777) {
      ScoreCounts part = new ScoreCounts();
      for (int i = Math.max(0, start - 776); i <= start; i++) {
        part.add(scores[i], labels[i]);
      }
      merged.addAll(part.compact());
    }
    assertEquals(whole, merged);
    assertEquals(5000, merged.totalCount());
    assertEquals(300, merged.compact().size());
  }

  @Test
  void rejectsScoresThatAreNotFinite() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new ScoreCounts().add(bad, true));
      assertEquals("score " + bad + " is not finite", e.getMessage());
    }
  }
}
