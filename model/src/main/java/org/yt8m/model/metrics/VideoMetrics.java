package org.yt8m.model.metrics;

import java.util.Arrays;

/** The per-video metrics: Hit@1 and PERR, from a video's ranked predictions and its labels. */
public final class VideoMetrics {
  private VideoMetrics() {}

  /**
   * Hit@1: 1 when the best-ranked class (the first index among equal best scores) is a label.
   *
   * @param ranked the video's classes best first; empty counts as a miss
   * @param labels the video's labels, sorted ascending
   */
  public static double hitAtOne(int[] ranked, int[] labels) {
    return ranked.length > 0 && Arrays.binarySearch(labels, ranked[0]) >= 0 ? 1 : 0;
  }

  /**
   * PERR: precision over the video's {@code n} best-ranked classes, {@code n} its number of
   * labels; only scores above 0 count as hits; 0 for a video without labels. Exact when
   * {@code ranked} holds at least {@code n} classes; with fewer (a predictions file's top-k, for
   * a video with more than k labels) the classes not given count as misses.
   *
   * @param ranked the video's classes best first
   * @param rankedScores their scores
   * @param labels the video's labels, sorted ascending
   */
  public static double perr(int[] ranked, float[] rankedScores, int[] labels) {
    return labels.length == 0 ? 0 : (double) perrHits(ranked, rankedScores, labels)
        / labels.length;
  }

  /** PERR's numerator: labels among the video's {@code n} best-ranked classes scored above 0. */
  public static int perrHits(int[] ranked, float[] rankedScores, int[] labels) {
    int hits = 0;
    for (int i = 0; i < Math.min(labels.length, ranked.length); i++) {
      if (rankedScores[i] > 0 && Arrays.binarySearch(labels, ranked[i]) >= 0) {
        hits++;
      }
    }
    return hits;
  }
}
