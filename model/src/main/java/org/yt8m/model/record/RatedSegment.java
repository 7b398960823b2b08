package org.yt8m.model.record;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One rated segment of a {@link RatedVideo} as an example: its frames (a {@link FrameRecord}
 * named {@code <video id>:<start frame>}, as a submission names the segment, whose labels are
 * the classes rated positive) and every class rated on it, positive or negative. A class not
 * in {@link #ratedClasses()} was not rated: it is neither positive nor negative, and counts
 * nowhere (label weight 0). Immutable by contract: arrays are shared.
 */
public final class RatedSegment implements Yt8mRecord {
  private final FrameRecord frames;
  private final int[] ratedClasses;

  private RatedSegment(FrameRecord frames, int[] ratedClasses) {
    this.frames = requireNonNull(frames, "frames");
    this.ratedClasses = Labels.checkSortedUnique(ratedClasses);
    for (int positive : frames.labels()) {
      if (Arrays.binarySearch(ratedClasses, positive) < 0) {
        throw new IllegalArgumentException("segment " + frames.id() + ": class " + positive
            + " is positive but not rated");
      }
    }
  }

  /**
   * A segment of {@code frames}, whose labels are its positive classes, rated for
   * {@code ratedClasses} (sorted, distinct, a superset of the labels).
   */
  public static RatedSegment of(FrameRecord frames, int[] ratedClasses) {
    return new RatedSegment(frames, ratedClasses);
  }

  /** {@code <video id>:<start frame>}. */
  @Override
  public String id() {
    return frames.id();
  }

  /** The classes rated positive, sorted. */
  @Override
  public int[] labels() {
    return frames.labels();
  }

  /** Every class rated on this segment, sorted: the ones whose label weight is 1. */
  public int[] ratedClasses() {
    return ratedClasses;
  }

  /** The segment's frames, named and labelled as the segment. */
  public FrameRecord frames() {
    return frames;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RatedSegment other && frames.equals(other.frames)
        && Arrays.equals(ratedClasses, other.ratedClasses);
  }

  @Override
  public int hashCode() {
    return frames.hashCode() * 31 + Arrays.hashCode(ratedClasses);
  }

  @Override
  public String toString() {
    return "RatedSegment{" + frames.id() + ", positive " + Arrays.toString(labels())
        + ", rated " + Arrays.toString(ratedClasses) + "}";
  }
}
