package org.yt8m.model.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates videos one at a time in one thread: the plain loop the benchmarks compare the Beam
 * pipeline with, and the independent path its tests check it against. Same pieces as the
 * pipeline ({@link TopK}, {@link VideoMetrics}, {@link ScoreCounts}, {@link AveragePrecision}).
 */
public final class MetricsAccumulator {
  private final int numClasses;
  private final int topK;
  private final ScoreCounts[] classCounts;
  private final long[] classPositives;
  private final ScoreCounts gapCounts = new ScoreCounts();
  private long examples;
  private long allPositives;
  private double hitSum;
  private double perrSum;

  public MetricsAccumulator(int numClasses, int topK) {
    checkArgument(numClasses > 0 && topK > 0, "numClasses %s, topK %s", numClasses, topK);
    this.numClasses = numClasses;
    this.topK = topK;
    classCounts = new ScoreCounts[numClasses];
    classPositives = new long[numClasses];
  }

  /** Adds a video scored over all classes. */
  public MetricsAccumulator addScores(int[] labels, float[] scores) {
    checkArgument(scores.length == numClasses, "%s scores for %s classes", scores.length,
        numClasses);
    int[] ranked = TopK.classes(scores, Math.max(topK, labels.length));
    return add(labels, ranked, TopK.scoresOf(scores, ranked));
  }

  /**
   * Adds a video's ranked predictions: at least its top-k, or more to make PERR exact for
   * videos with more labels than k.
   *
   * @param labels sorted ascending, each in {@code [0, numClasses)}
   */
  public MetricsAccumulator add(int[] labels, int[] ranked, float[] rankedScores) {
    examples++;
    hitSum += VideoMetrics.hitAtOne(ranked, labels);
    perrSum += VideoMetrics.perr(ranked, rankedScores, labels);
    for (int label : labels) {
      classPositives[label]++;
    }
    allPositives += labels.length;
    for (int i = 0; i < Math.min(topK, ranked.length); i++) {
      boolean positive = java.util.Arrays.binarySearch(labels, ranked[i]) >= 0;
      int c = ranked[i];
      if (classCounts[c] == null) {
        classCounts[c] = new ScoreCounts();
      }
      classCounts[c].add(rankedScores[i], positive);
      gapCounts.add(rankedScores[i], positive);
    }
    return this;
  }

  /** The figures so far. */
  public EvaluationMetrics result(boolean mapOverAllClasses) {
    List<ClassAp> perClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      if (classPositives[c] > 0) {
        ScoreCounts counts = classCounts[c] == null ? new ScoreCounts() : classCounts[c];
        perClass.add(new ClassAp(c, AveragePrecision.of(counts, classPositives[c]),
            classPositives[c], counts.totalCount()));
      }
    }
    return new EvaluationMetrics(examples, examples == 0 ? 0 : hitSum / examples,
        examples == 0 ? 0 : perrSum / examples, AveragePrecision.of(gapCounts, allPositives),
        EvaluationMetrics.meanAp(perClass, mapOverAllClasses, numClasses), perClass.size(),
        perClass, EvaluationMetrics.curve(gapRanges(), EvaluationMetrics.CURVE_BUCKET_BITS,
            allPositives));
  }

  /** GAP's counts per score range, highest first: {range, positives, count}. */
  private List<long[]> gapRanges() {
    gapCounts.compact();
    List<long[]> ranges = new ArrayList<>();
    int bucket = 0;
    for (int i = 0; i < gapCounts.size(); i++) {
      float score = gapCounts.score(i);
      int scoreBucket = Scores.bucket(score, EvaluationMetrics.CURVE_BUCKET_BITS);
      if (ranges.isEmpty() || scoreBucket != bucket) {
        ranges.add(new long[3]);
        bucket = scoreBucket;
      }
      long[] range = ranges.get(ranges.size() - 1);
      range[0] = scoreBucket;
      range[1] += gapCounts.positives(i);
      range[2] += gapCounts.count(i);
    }
    return ranges;
  }
}
