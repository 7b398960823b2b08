package org.yt8m.model.metrics;

/**
 * Score comparisons as the metrics define them: float32 values, -0.0 equal to 0.0, NaN and
 * infinities not scores at all.
 */
public final class Scores {
  private Scores() {}

  /** {@code score} with -0.0 made 0.0, so that equal scores have equal bits. */
  public static float normalize(float score) {
    return score == 0f ? 0f : score;
  }

  /**
   * An int whose signed order is the scores' order, for every finite float (the sign bit flips
   * the order of negative floats' bits). -0.0 and 0.0 map to the same value.
   */
  public static int sortableBits(float score) {
    int bits = Float.floatToIntBits(normalize(score));
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /** The float whose {@link #sortableBits} is {@code sortable}. */
  public static float fromSortableBits(int sortable) {
    return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
  }

  /**
   * The score range of {@code score} at {@code bits} bits: the top bits of its sortable bits,
   * so a higher range holds higher scores (0 bits: one range for all). 12 bits split every
   * power of two into 8 ranges.
   */
  public static int bucket(float score, int bits) {
    return bits == 0 ? 0 : sortableBits(score) >> (32 - bits);
  }

  /** Whether {@code score} may be scored: finite. */
  public static boolean isValid(float score) {
    return Float.isFinite(score);
  }
}
