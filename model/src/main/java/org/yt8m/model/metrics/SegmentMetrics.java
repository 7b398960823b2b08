package org.yt8m.model.metrics;

import java.util.List;

/**
 * The 2019 segment-level figures: mAP@topN over the classes of a submission.
 *
 * @param numClasses classes in the submission
 * @param map mean over those classes of the AP of each class's ranked segments, counting only
 *     rated (segment, class) cells, recall over the class's rated positives
 * @param topN segments kept per class (0: all)
 * @param ratedCells rated (segment, class) cells in the shards
 * @param classesWithoutRatedPositives submitted classes that have no rated positive (AP 0)
 * @param perClass each submitted class's AP, positives and rated predictions, by class
 */
public record SegmentMetrics(int numClasses, double map, int topN, long ratedCells,
    int classesWithoutRatedPositives, List<ClassAp> perClass) {

  public SegmentMetrics {
    perClass = List.copyOf(perClass);
  }
}
