package org.yt8m.model.record;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The rated segments of one video (2019 segment-rated frame-level shards): for segment
 * {@code i}, class {@code classes[i]} was rated on the 5-frame segment starting at frame
 * {@code startTimes[i]}, positive when {@code scores[i]} is above 0. Frames are not kept: the
 * segment evaluation needs only the ratings. Immutable by contract: arrays are shared.
 */
public final class SegmentRatings implements Yt8mRecord {
  private final String id;
  private final int[] labels;
  private final int[] classes;
  private final long[] startTimes;
  private final float[] scores;

  private SegmentRatings(String id, int[] labels, int[] classes, long[] startTimes,
      float[] scores) {
    this.id = requireNonNull(id, "id");
    this.labels = Labels.checkSortedUnique(labels);
    checkArgument(classes.length == startTimes.length && classes.length == scores.length,
        "%s classes, %s start times, %s scores", classes.length, startTimes.length,
        scores.length);
    this.classes = classes;
    this.startTimes = startTimes;
    this.scores = scores;
  }

  public static SegmentRatings of(String id, int[] labels, int[] classes, long[] startTimes,
      float[] scores) {
    return new SegmentRatings(id, labels, classes, startTimes, scores);
  }

  @Override
  public String id() {
    return id;
  }

  /** The video-level labels (may be empty). */
  @Override
  public int[] labels() {
    return labels;
  }

  /** The number of rated (segment, class) cells. */
  public int size() {
    return classes.length;
  }

  public int segmentClass(int i) {
    return classes[i];
  }

  public long startTime(int i) {
    return startTimes[i];
  }

  public float score(int i) {
    return scores[i];
  }

  /** The id a submission names segment {@code i} by: {@code <video id>:<start frame>}. */
  public String segmentId(int i) {
    return id + ":" + startTimes[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentRatings other && id.equals(other.id)
        && Arrays.equals(labels, other.labels) && Arrays.equals(classes, other.classes)
        && Arrays.equals(startTimes, other.startTimes) && Arrays.equals(scores, other.scores);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(classes);
  }

  @Override
  public String toString() {
    return "SegmentRatings{" + id + ", " + classes.length + " rated cells}";
  }
}
