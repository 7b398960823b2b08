package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.testing.TestPipelines;

class WriteSortedLinesTest {
  @TempDir
  Path dir;

  static final List<String> LINES = List.of("c,3", "a,1", "b,2", "e,5", "d,4");

  @Test
  void oneFileByDefaultSortedUnderItsHeader() throws Exception {
    Path file = dir.resolve("out.csv");
    Pipeline pipeline = TestPipelines.create();
    PCollection<String> written = pipeline.apply(Create.of(LINES))
        .apply(WriteSortedLines.to(file.toString()).withHeader("Key,Value"));
    PAssert.that(written).containsInAnyOrder(file.toString());
    pipeline.run();
    assertEquals(List.of("Key,Value", "a,1", "b,2", "c,3", "d,4", "e,5"),
        Files.readAllLines(file));
  }

  @Test
  void shardsAreNamedAfterTheFileAndEachHasTheHeader() throws Exception {
    Path file = dir.resolve("out.csv");
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(LINES))
        .apply(WriteSortedLines.to(file.toString()).withHeader("Key,Value").withNumShards(3)
            .orderedBy((a, b) -> b.compareTo(a)));
    pipeline.run();
    List<String> all = new ArrayList<>();
    for (int shard = 0; shard < 3; shard++) {
      Path part = dir.resolve("out-0000" + shard + "-of-00003.csv");
      assertEquals(part.toString(), WriteSortedLines.fileName(file.toString(), shard, 3));
      List<String> lines = Files.readAllLines(part);
      assertEquals("Key,Value", lines.get(0));
      List<String> body = lines.subList(1, lines.size());
      assertEquals(body.stream().sorted((a, b) -> b.compareTo(a)).toList(), body);
      all.addAll(body);
    }
    assertEquals(LINES.stream().sorted().toList(), all.stream().sorted().toList());
  }

  @Test
  void noLinesStillWritesTheHeader() throws Exception {
    Path file = dir.resolve("empty.csv");
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.empty(StringUtf8Coder.of()))
        .apply(WriteSortedLines.to(file.toString()).withHeader("Key,Value"));
    pipeline.run();
    assertEquals(List.of("Key,Value"), Files.readAllLines(file));
  }
}
