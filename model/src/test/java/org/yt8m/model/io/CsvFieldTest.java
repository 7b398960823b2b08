package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Video ids through the predictions CSV and the segment submission, hostile ones included. */
class CsvFieldTest {
  static final List<String> HOSTILE_IDS = List.of("a,b", "say \"hi\"", "\"", "\"\"", ",",
      "two\nlines", "cr\rid", "crlf\r\nid", " padded ", "tab\t", "ends,\"", "é,ü");

  @Test
  void ordinaryIdsAreWrittenAsTheStarterWritesThem() {
    for (String id : List.of("XqYi", "Ab3-_x9ZqRc", "v.1", "a b", "日本")) {
      assertEquals(id, CsvField.escape(id));
      assertEquals(id + ",3 0.5", ScoreFormat.predictionLine(id, new int[] {3},
          new float[] {0.5f}));
    }
  }

  @Test
  void hostileIdsAreQuotedAsRfc4180Says() {
    assertEquals("\"a,b\"", CsvField.escape("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", CsvField.escape("say \"hi\""));
    assertEquals("\"two\nlines\"", CsvField.escape("two\nlines"));
    assertEquals("\" padded \"", CsvField.escape(" padded "));
  }

  @Test
  void hostileIdsRoundTripThroughAPredictionsLine() throws Exception {
    PredictionLineParser parser = new PredictionLineParser(10);
    for (String id : HOSTILE_IDS) {
      String line = ScoreFormat.predictionLine(id, new int[] {7, 2}, new float[] {0.75f, 0.5f});
      PredictionLineParser.Parsed parsed = parser.parse(line);
      assertEquals(id, parsed.id(), line);
      assertArrayEquals(new int[] {7, 2}, parsed.ranked(), line);
    }
  }

  @Test
  void hostileIdsRoundTripThroughASegmentLine() throws Exception {
    SegmentLineParser parser = new SegmentLineParser(10, 0);
    for (String id : HOSTILE_IDS) {
      if (id.strip().chars().anyMatch(Character::isWhitespace) || id.isBlank()) {
        continue; // white space separates segments: such an id cannot be one token
      }
      String segments = id.strip() + ":5 other:10";
      SegmentLineParser.Parsed parsed = parser.parse("4," + CsvField.escape(segments));
      assertEquals(List.of(id.strip() + ":5", "other:10"), parsed.segments(), id);
    }
  }

  @Test
  void aBrokenQuoteIsAMalformedLine() {
    PredictionLineParser parser = new PredictionLineParser(10);
    for (String line : List.of("\"a,b,1 0.5", "\"a\"b,1 0.5", "\"a\"")) {
      assertEquals("malformed_line", assertThrows(BadLineException.class,
          () -> parser.parse(line)).reason(), line);
    }
    assertEquals("missing_id", assertThrows(BadLineException.class,
        () -> parser.parse("\"\",1 0.5")).reason());
  }
}
