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
 */
public record EvaluationMetrics(long examples, double hitAtOne, double perr, double gap,
    double map, int numClassesWithPositives, List<ClassAp> perClass) {

  public EvaluationMetrics {
    perClass = List.copyOf(perClass);
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
