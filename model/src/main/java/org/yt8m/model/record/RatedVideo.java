package org.yt8m.model.record;

import static java.util.Objects.requireNonNull;

/**
 * A 2019 segment-rated frame-level video: its frames and its segment ratings, checked against
 * each other. Every rated segment starts at a multiple of {@code segmentSize} (the 5-frame
 * segments a submission names) and before the last frame kept, so that it holds frames the
 * model can see; a record that breaks either rule is invalid as a whole, like any other bad
 * record (a dead letter, or a skipped training record).
 */
public final class RatedVideo implements Yt8mRecord {
  /** The 2019 challenge's segment length, in frames. */
  public static final int SEGMENT_FRAMES = 5;

  private final FrameRecord frames;
  private final SegmentRatings ratings;
  private final int segmentSize;

  private RatedVideo(FrameRecord frames, SegmentRatings ratings, int segmentSize) {
    this.frames = frames;
    this.ratings = ratings;
    this.segmentSize = segmentSize;
  }

  /**
   * The video of {@code frames} rated by {@code ratings} (the same record's).
   *
   * @throws InvalidRecordException {@code segment_start_misaligned} or
   *     {@code segment_start_beyond_frames}, naming the rated cell
   */
  public static RatedVideo of(FrameRecord frames, SegmentRatings ratings, int segmentSize)
      throws InvalidRecordException {
    requireNonNull(frames, "frames");
    requireNonNull(ratings, "ratings");
    if (segmentSize <= 0) {
      throw new IllegalArgumentException("segmentSize must be positive, got " + segmentSize);
    }
    if (!frames.id().equals(ratings.id())) {
      throw new IllegalArgumentException("frames of " + frames.id() + ", ratings of "
          + ratings.id());
    }
    for (int i = 0; i < ratings.size(); i++) {
      long start = ratings.startTime(i);
      if (start < 0 || start % segmentSize != 0) {
        throw new InvalidRecordException(RejectReason.SEGMENT_START_MISALIGNED, frames.id(),
            "segment_start_times[" + i + "] is " + start + ", not a multiple of the segment "
                + "size " + segmentSize);
      }
      if (start >= frames.numFrames()) {
        throw new InvalidRecordException(RejectReason.SEGMENT_START_BEYOND_FRAMES, frames.id(),
            "segment_start_times[" + i + "] is " + start + ", past the video's "
                + frames.numFrames() + " frames kept");
      }
    }
    return new RatedVideo(frames, ratings, segmentSize);
  }

  @Override
  public String id() {
    return frames.id();
  }

  /** The video-level labels. */
  @Override
  public int[] labels() {
    return frames.labels();
  }

  public FrameRecord frames() {
    return frames;
  }

  public SegmentRatings ratings() {
    return ratings;
  }

  /** Frames per segment. */
  public int segmentSize() {
    return segmentSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RatedVideo other && segmentSize == other.segmentSize
        && frames.equals(other.frames) && ratings.equals(other.ratings);
  }

  @Override
  public int hashCode() {
    return frames.hashCode() * 31 + ratings.hashCode();
  }

  @Override
  public String toString() {
    return "RatedVideo{" + frames + ", " + ratings.size() + " rated cells, segments of "
        + segmentSize + "}";
  }
}
