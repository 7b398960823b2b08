package org.yt8m.model.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Scores as C's and Python's {@code %g} print them, which the predictions CSV uses: 6
 * significant digits of the float's exact binary value, rounded half-even; exponent form when
 * the rounded exponent is below -4 or at least 6; trailing zeros (and a trailing point) removed;
 * a signed exponent of at least two digits. Java's {@code %g} differs (it keeps trailing zeros
 * and rounds half-up), so this is the one formatter every CSV writer here uses.
 */
public final class ScoreFormat {
  private static final MathContext SIX_DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

  private ScoreFormat() {}

  /**
   * {@code value} as {@code %g} prints it, e.g. {@code 0.123457}, {@code 1e-05}, {@code 0.5},
   * {@code 1}, {@code 1e+06}.
   *
   * @throws IllegalArgumentException for NaN or an infinity, which are not scores
   */
  public static String format(float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException("score " + value + " is not finite");
    }
    if (value == 0f) {
      return (Float.floatToRawIntBits(value) < 0) ? "-0" : "0";
    }
    // The float's exact binary value (every float is a finite decimal), rounded once.
    BigDecimal rounded = new BigDecimal((double) value).round(SIX_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= 6) {
      BigDecimal mantissa = rounded.movePointLeft(exponent);
      return strip(mantissa.toPlainString()) + (exponent < 0 ? "e-" : "e+")
          + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    return strip(rounded.toPlainString());
  }

  /**
   * One line of a predictions CSV: {@code id,class score class score ...}, the pairs in the
   * given order (best first), scores in {@link #format %g} form, the id {@link CsvField#escape
   * quoted} only when it holds a comma, a quote or a line break.
   */
  public static String predictionLine(String id, int[] classes, float[] scores) {
    String field = CsvField.escape(id);
    StringBuilder line = new StringBuilder(field.length() + 16 * classes.length).append(field)
        .append(',');
    for (int i = 0; i < classes.length; i++) {
      line.append(i == 0 ? "" : " ").append(classes[i]).append(' ').append(format(scores[i]));
    }
    return line.toString();
  }

  /** Removes trailing zeros after a decimal point, and the point if nothing follows it. */
  private static String strip(String number) {
    if (number.indexOf('.') < 0) {
      return number;
    }
    int end = number.length();
    while (number.charAt(end - 1) == '0') {
      end--;
    }
    if (number.charAt(end - 1) == '.') {
      end--;
    }
    return number.substring(0, end);
  }
}
