package org.yt8m.model.record;

/**
 * The starter code's frame dequantization, bit-exact: {@code v = q * (float)(4.0/255.0)}, then
 * {@code v + (-1.9921875f)}, two float32 roundings and no fused multiply-add (Java's float
 * arithmetic is IEEE 754 binary32 and never fuses on its own). Byte 0 maps to -1.9921875 and 255
 * to 2.0078125; the mapping is tabulated once, so dequantizing is a lookup.
 */
public final class Dequantization {
  /** The smallest value a quantized feature can take (byte 0). */
  public static final float MIN_VALUE = -1.9921875f;
  /** The largest value a quantized feature can take (byte 255). */
  public static final float MAX_VALUE = 2.0078125f;

  /** The step between two quantized values (the float32 of 4/255). */
  public static final float SCALE = (float) (4.0 / 255.0);
  private static final float[] TABLE = new float[256];

  static {
    for (int q = 0; q < 256; q++) {
      float scaled = q * SCALE;
      TABLE[q] = scaled + MIN_VALUE;
    }
  }

  private Dequantization() {}

  /** The float32 value of one quantized byte. */
  public static float dequantize(byte quantized) {
    return TABLE[quantized & 0xff];
  }

  /** Dequantizes {@code length} bytes from {@code source[from]} into {@code destination[to]}. */
  public static void dequantize(
      byte[] source, int from, float[] destination, int to, int length) {
    for (int i = 0; i < length; i++) {
      destination[to + i] = TABLE[source[from + i] & 0xff];
    }
  }

  /**
   * The byte whose dequantized value is nearest {@code value} (clamped to [0, 255]): the inverse
   * used when writing synthetic frame-level data.
   */
  public static byte quantize(float value) {
    int q = Math.round((value - MIN_VALUE) / SCALE);
    return (byte) Math.max(0, Math.min(255, q));
  }
}
