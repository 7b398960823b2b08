package org.yt8m.transforms.eval;

import org.yt8m.model.metrics.Scores;

/**
 * Keys of the AP counts: a target (a class id, or {@link #GAP}) and a score bucket (the top
 * {@code bits} bits of the score's {@link Scores#sortableBits sortable bits}, so buckets are
 * score ranges and a higher bucket holds higher scores), packed in a long whose signed order is
 * (target, bucket): the bucket's sign bit is flipped so that buckets of negative scores sort
 * below those of positive ones.
 */
final class ApKeys {
  /** The target of the global average precision. */
  static final int GAP = -1;

  private ApKeys() {}

  static long key(int target, int bucket) {
    return ((long) target << 32) | Integer.toUnsignedLong(bucket ^ Integer.MIN_VALUE);
  }

  static int target(long key) {
    return (int) (key >> 32);
  }

  static int bucket(long key) {
    return (int) key ^ Integer.MIN_VALUE;
  }

  /** The bucket of {@code score} at {@code bits} bits (0: one bucket for all scores). */
  static int bucket(float score, int bits) {
    return Scores.bucket(score, bits);
  }
}
