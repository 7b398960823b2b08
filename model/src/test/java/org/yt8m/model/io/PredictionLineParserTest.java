package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PredictionLineParserTest {
  private final PredictionLineParser parser = new PredictionLineParser(10);

  @Test
  void ranksPairsByScoreThenClass() throws Exception {
    PredictionLineParser.Parsed parsed = parser.parse("vid,3 0.25 1 0.9 7 0.25 2 1e-05");
    assertEquals("vid", parsed.id());
    assertArrayEquals(new int[] {1, 3, 7, 2}, parsed.ranked());
    assertArrayEquals(new float[] {0.9f, 0.25f, 0.25f, 1e-5f}, parsed.scores());
  }

  @Test
  void aVideoWithoutPairsHasNoPredictions() throws Exception {
    assertEquals(0, parser.parse("vid,").ranked().length);
  }

  @Test
  void rejectsWhatTheStarterNeverWrites() {
    assertReason("malformed_line", "no comma");
    assertReason("missing_id", ",1 0.5");
    assertReason("odd_token_count", "v,1 0.5 2");
    assertReason("bad_class", "v,x 0.5");
    assertReason("class_out_of_range", "v,10 0.5");
    assertReason("class_out_of_range", "v,-1 0.5");
    assertReason("bad_score", "v,1 NaN");
    assertReason("bad_score", "v,1 Infinity");
    assertReason("bad_score", "v,1 0x1p3");
    assertReason("bad_score", "v,1 1.0f");
    assertReason("bad_score", "v,1 1e39");
    assertReason("duplicate_class", "v,1 0.5 1 0.25");
  }

  @Test
  void decimalsAreWhatCPrints() {
    for (String ok : new String[] {"0.5", "1", "1e-05", "1.5E+10", ".5", "5.", "-0", "+1.25"}) {
      assertEquals(true, PredictionLineParser.isDecimal(ok), ok);
    }
    for (String bad : new String[] {"", ".", "-", "1e", "1e+", "NaN", "Infinity", "0x10",
        "1.0f", "1.0d", "1..2", "1e5.5", "٣"}) {
      assertEquals(false, PredictionLineParser.isDecimal(bad), bad);
    }
  }

  private void assertReason(String reason, String line) {
    assertEquals(reason, assertThrows(BadLineException.class,
        () -> parser.parse(line)).reason(), line);
  }
}
