package org.yt8m.transforms.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.WriteSortedLines;
import org.yt8m.transforms.testing.TestPipelines;

/** {@code evaluate --predictions} on a sharded CSV reads the set its manifest describes. */
class PredictionsCsvSetsTest {
  private static final List<String> LINES = IntStream.range(0, 20)
      .mapToObj(v -> "vid" + v + ",1 0.5 2 0.25").toList();

  @TempDir
  Path dir;

  @Test
  void aSetIsReadWholeAndItsManifestIsNoPredictions() {
    write(dir.resolve("pred.csv"), 3);
    Pipeline pipeline = TestPipelines.create();
    ReadResult<?> read = pipeline.apply(PredictionsCsv.read(dir + "/pred*").withNumClasses(5));
    PAssert.thatSingleton(read.records().apply("CountVideos", Count.globally())).isEqualTo(20L);
    PAssert.that(read.deadLetters()).empty();
    pipeline.run();
  }

  @Test
  void aShardOfAnEarlierRunBesideTheSetIsRefusedNotCountedTwice() throws Exception {
    write(dir.resolve("pred.csv"), 2);
    Files.write(dir.resolve("pred-00003-of-00004.csv"), List.of(PredictionLineParser.HEADER,
        "vid3,1 0.9"));
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(PredictionsCsv.read(dir + "/pred-*.csv").withNumClasses(5));
    Exception refused = assertThrows(Exception.class, pipeline::run);
    assertTrue(refused.getMessage().contains(dir + "/pred-00003-of-00004.csv is not in "
        + dir + "/pred.csv.manifest.json, which lists pred-00000-of-00002.csv, "
        + "pred-00001-of-00002.csv"), refused.getMessage());
  }

  private static void write(Path file, int numShards) {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(LINES)).apply(WriteSortedLines.to(file.toString())
        .withHeader(PredictionLineParser.HEADER).withNumShards(numShards));
    pipeline.run();
  }
}
