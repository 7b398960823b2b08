package org.yt8m.model.metrics;

import java.util.List;

/**
 * The starter code's evaluation figures.
 *
 * @param examples labelled videos evaluated
 * @param hitAtOne mean Hit@1
 * @param perr mean precision at equal recall rate
 * @param gap global average precision over all videos' top-k predictions
 * @param map mean AP over the classes with a positive (or over all classes, as the 2017/2018
 *     code did, when asked)
 * @param numClassesWithPositives classes with at least one labelled video
 * @param perClass AP of every class with a positive, by class
 * @param gapCurve the precision-recall curve behind GAP, highest threshold first, one point per
 *     score range (8 per power of two): for plots, not for figures
 */
public record EvaluationMetrics(long examples, double hitAtOne, double perr, double gap,
    double map, int numClassesWithPositives, List<ClassAp> perClass,
    List<PrecisionRecallPoint> gapCurve) {

  /** The score ranges of the GAP curve: 12 bits, 8 per power of two. */
  public static final int CURVE_BUCKET_BITS = 12;

  public EvaluationMetrics {
    perClass = List.copyOf(perClass);
    gapCurve = List.copyOf(gapCurve);
  }

  /**
   * The curve's points from per-range counts given highest range first: {@code ranges[i]} is
   * {range ({@link Scores#bucket} at {@code bits}), positives, predictions}; each point's
   * threshold is the lowest score of its range.
   */
  public static List<PrecisionRecallPoint> curve(List<long[]> ranges, int bits,
      long totalPositives) {
    List<PrecisionRecallPoint> points = new java.util.ArrayList<>(ranges.size());
    long positives = 0;
    long predictions = 0;
    for (long[] range : ranges) {
      positives += range[1];
      predictions += range[2];
      if (predictions > 0 && totalPositives > 0) {
        float threshold = bits == 0 ? Float.NEGATIVE_INFINITY
            : Scores.fromSortableBits((int) range[0] << (32 - bits));
        points.add(new PrecisionRecallPoint(threshold, (double) positives / totalPositives,
            (double) positives / predictions));
      }
    }
    return points;
  }

  /** mAP from per-class APs: over the classes listed, or over {@code numClasses} if asked. */
  public static double meanAp(List<ClassAp> perClass, boolean overAllClasses, int numClasses) {
    double sum = 0;
    for (ClassAp classAp : perClass) {
      sum += classAp.ap();
    }
    int denominator = overAllClasses ? numClasses : perClass.size();
    return denominator == 0 ? 0 : sum / denominator;
  }
}
