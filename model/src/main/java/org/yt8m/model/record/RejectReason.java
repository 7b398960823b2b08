package org.yt8m.model.record;

import com.google.common.base.Ascii;

/**
 * Why a record is not a valid YouTube-8M record. Each reason has a stable snake_case
 * {@link #code()} that names its dead-letter counter and its key in reports; the
 * {@link InvalidRecordException}'s message gives the particulars.
 */
public enum RejectReason {
  /** The bytes are not a well-formed {@code tf.train.Example} / {@code SequenceExample}. */
  MALFORMED,
  /** Neither {@code id} nor {@code video_id} holds a value. */
  MISSING_ID,
  /** A selected feature is absent. */
  MISSING_FEATURE,
  /** A feature holds another list kind than expected (e.g. bytes where floats belong). */
  WRONG_KIND,
  /** A video-level feature or a frame has another number of values than its size. */
  WRONG_SIZE,
  /** A feature value is NaN or infinite. */
  NON_FINITE,
  /** A label lies outside {@code [0, numClasses)}. */
  LABEL_OUT_OF_RANGE,
  /** Frame-level features disagree on the number of frames. */
  FRAME_COUNT_MISMATCH,
  /** A frame-level record has no frames. */
  NO_FRAMES,
  /**
   * {@code segment_labels}, {@code segment_start_times} and {@code segment_scores} differ in
   * length.
   */
  SEGMENT_LISTS_UNEQUAL,
  /** A segment score is neither 0 nor 1. */
  SEGMENT_SCORE_INVALID,
  /** A segment starts at or past the video's last frame kept. */
  SEGMENT_START_BEYOND_FRAMES,
  /** A segment start time is not a multiple of the segment size. */
  SEGMENT_START_MISALIGNED;

  /** The stable snake_case name, e.g. {@code missing_feature}. */
  public String code() {
    return Ascii.toLowerCase(name());
  }
}
