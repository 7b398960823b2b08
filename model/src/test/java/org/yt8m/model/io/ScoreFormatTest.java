package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreFormatTest {
  /**
   * Strings C's printf("%g") prints for these float32 values: the inference issue's list, and
   * more, each checked with Python's '%g' % float(numpy.float32(v)).
   */
  @Test
  void printsWhatCPrints() {
    assertEquals("0.123457", ScoreFormat.format(0.123456789f));
    assertEquals("1e-05", ScoreFormat.format(1e-5f));
    assertEquals("0.5", ScoreFormat.format(0.5f));
    assertEquals("1", ScoreFormat.format(1f));
    assertEquals("0.000976562", ScoreFormat.format(0.0009765625f)); // 2^-10: half-even
    assertEquals("1e+06", ScoreFormat.format(999999.5f));
    assertEquals("0.123457", ScoreFormat.format(0.1234565f)); // the nearest float is above
  }

  @Test
  void switchesToExponentFormAtTheSameBoundsAsC() {
    assertEquals("0.0001", ScoreFormat.format(0.0001f));
    assertEquals("9.99999e-05", ScoreFormat.format(0.0000999999f));
    assertEquals("123456", ScoreFormat.format(123456f));
    assertEquals("1.23457e+06", ScoreFormat.format(1234567f));
    assertEquals("1.5e-10", ScoreFormat.format(1.5e-10f));
    assertEquals("-0.25", ScoreFormat.format(-0.25f));
    assertEquals("0", ScoreFormat.format(0f));
  }

  /** Parsing what it prints gives back the float the 6 digits name: stable round trips. */
  @Test
  void roundTripsThroughParsing() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      float value = (float) random.nextDouble();
      String printed = ScoreFormat.format(value);
      assertEquals(printed, ScoreFormat.format(Float.parseFloat(printed)), printed);
    }
  }

  @Test
  void writesAPredictionLineThatParsesBack() throws Exception {
    String line = ScoreFormat.predictionLine("vid", new int[] {7, 2}, new float[] {0.5f, 1e-5f});
    assertEquals("vid,7 0.5 2 1e-05", line);
    PredictionLineParser.Parsed parsed = new PredictionLineParser(10).parse(line);
    assertEquals(7, parsed.ranked()[0]);
    assertEquals(1e-5f, parsed.scores()[1]);
  }

  @Test
  void rejectsNonFinite() {
    assertThrows(IllegalArgumentException.class, () -> ScoreFormat.format(Float.NaN));
  }
}
