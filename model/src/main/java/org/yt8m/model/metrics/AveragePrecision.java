package org.yt8m.model.metrics;

/**
 * Average precision with the reference's tie rule: equal scores form one threshold, as
 * scikit-learn's {@code average_precision_score}:
 *
 * <pre>AP = (1/P) * sum over distinct scores t, highest first, of pos(t) * precision(score >= t)</pre>
 *
 * where P counts all positives (also those no prediction reached: recall is over all of them).
 * Without ties this is the starter code's formula exactly. Arithmetic is float64, summed in
 * descending score order.
 *
 * <p>When the counts are split by score range (buckets, so no accumulator holds all of them),
 * each bucket's part is {@link #partialSum} given the positives and predictions of all higher
 * buckets, and AP is the parts' sum over P, added highest bucket first.
 */
public final class AveragePrecision {
  private AveragePrecision() {}

  /** AP of {@code counts} with {@code totalPositives} positives in all (0 when there are none). */
  public static double of(ScoreCounts counts, long totalPositives) {
    return totalPositives == 0 ? 0 : partialSum(counts, 0, 0) / totalPositives;
  }

  /**
   * AP of a ranking without ties: {@code relevant[i]} says whether the i-th ranked item is a
   * positive; {@code totalPositives} counts all positives, ranked or not (0 gives 0).
   */
  public static double ofRanking(boolean[] relevant, long totalPositives) {
    if (totalPositives == 0) {
      return 0;
    }
    double sum = 0;
    long hits = 0;
    for (int i = 0; i < relevant.length; i++) {
      if (relevant[i]) {
        hits++;
        sum += (double) hits / (i + 1);
      }
    }
    return sum / totalPositives;
  }

  /**
   * {@code sum pos(t) * precision(score >= t)} over the distinct scores of {@code counts} (one
   * score range), where the precision also counts the {@code positivesAbove} positives and
   * {@code countAbove} predictions that scored above this range.
   */
  public static double partialSum(ScoreCounts counts, long positivesAbove, long countAbove) {
    counts.compact();
    double sum = 0;
    long positives = positivesAbove;
    long predictions = countAbove;
    for (int i = 0; i < counts.size(); i++) {
      positives += counts.positives(i);
      predictions += counts.count(i);
      if (counts.positives(i) > 0) {
        sum += counts.positives(i) * ((double) positives / predictions);
      }
    }
    return sum;
  }
}
