package org.yt8m.transforms.eval;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.infer.WritePredictionsCsv;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.testing.TestPipelines;

/** What inference writes, evaluation reads back: every id, however hostile, whole. */
class PredictionsCsvTest {
  static final List<String> IDS = List.of("plain", "a,b", "say \"hi\"", "two\nlines",
      "crlf\r\nid", "cr\rid", " padded ", "\"", ",lead", "trail,");

  @TempDir
  Path dir;

  @Test
  void hostileIdsRoundTripWhateverTheParseRanges() throws Exception {
    Path csv = dir.resolve("predictions.csv");
    List<VideoPredictions> videos = new ArrayList<>();
    for (int i = 0; i < IDS.size(); i++) {
      videos.add(new VideoPredictions(IDS.get(i), new int[0], new int[] {i % 5, 5},
          new float[] {0.75f, 0.5f}));
    }
    Pipeline write = TestPipelines.create();
    write.apply(Create.of(videos).withCoder(VideoPredictionsCoder.of()))
        .apply(WritePredictionsCsv.to(csv.toString()));
    write.run();
    assertEquals("plain,0 0.75 5 0.5", Files.readAllLines(csv, UTF_8).stream()
        .filter(line -> line.startsWith("plain")).findFirst().orElseThrow(),
        "an ordinary id is written as the starter writes it");

    for (long rangeBytes : new long[] {1, 7, 1 << 20}) {
      Pipeline read = TestPipelines.create();
      ReadResult<org.apache.beam.sdk.values.KV<String, RankedPredictions>> predictions = read
          .apply(PredictionsCsv.read(csv.toString()).withNumClasses(10)
              .withRangeBytes(rangeBytes));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < IDS.size(); i++) {
        expected.add("[" + IDS.get(i) + "] " + (i % 5));
      }
      PAssert.that(predictions.records().apply(MapElements.into(TypeDescriptors.strings())
              .via(kv -> "[" + kv.getKey() + "] " + kv.getValue().ranked()[0])))
          .containsInAnyOrder(expected);
      PAssert.that(predictions.deadLetters()).empty();
      read.run();
    }
  }
}
