package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reshuffle;
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
  void shardsAreASetWhoseManifestListsEachFile() throws Exception {
    Path file = dir.resolve("out.csv");
    write(file, 3);
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("out.csv.manifest.json")
        .toFile());
    assertTrue(manifest.get("complete").asBoolean());
    List<String> listed = new ArrayList<>();
    for (JsonNode entry : manifest.get("files")) {
      listed.add(entry.get("name").asText());
      assertEquals(Files.size(dir.resolve(entry.get("name").asText())),
          entry.get("bytes").asLong());
    }
    assertEquals(List.of("out-00000-of-00003.csv", "out-00001-of-00003.csv",
        "out-00002-of-00003.csv"), listed);
  }

  @Test
  void anotherShardCountReplacesTheEarlierShardsAndOneFileReplacesThemAll() throws Exception {
    Path file = dir.resolve("out.csv");
    write(file, 4);
    write(file, 2);
    assertEquals(List.of("out-00000-of-00002.csv", "out-00001-of-00002.csv",
        "out.csv.manifest.json"), listing(), "no -of-00004 file is left for a glob to count");
    write(file, 0);
    assertEquals(List.of("out.csv", "out.csv.manifest.json"), listing());
    write(file, 2);
    assertEquals(List.of("out-00000-of-00002.csv", "out-00001-of-00002.csv",
        "out.csv.manifest.json"), listing());
  }

  @Test
  void manyBundlesGiveTheBytesOfOneSortAndLeaveNoRunsBehind() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      lines.add("v" + (i * 7919 % 5_000) + "," + (i % 3 == 0 ? "\"a,\nb\"" : "1"));
    }
    Path file = dir.resolve("big.csv");
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(lines)).apply(Reshuffle.viaRandomKey())
        .apply(WriteSortedLines.to(file.toString()).withHeader("Key,Value").withNumShards(2));
    pipeline.run();
    List<String> written = new ArrayList<>();
    for (int shard = 0; shard < 2; shard++) {
      String text = Files.readString(Path.of(WriteSortedLines.fileName(file.toString(), shard,
          2)));
      assertTrue(text.startsWith("Key,Value\n"), text);
      written.add(text.substring("Key,Value\n".length()));
    }
    List<String> expectedBodies = new ArrayList<>();
    for (int shard = 0; shard < 2; shard++) {
      int of = shard;
      StringBuilder body = new StringBuilder();
      lines.stream().filter(line -> Math.floorMod(line.hashCode(), 2) == of).sorted()
          .forEach(line -> body.append(line).append('\n'));
      expectedBodies.add(body.toString());
    }
    assertEquals(expectedBodies, written);
    assertEquals(List.of("big-00000-of-00002.csv", "big-00001-of-00002.csv",
        "big.csv.manifest.json"), listing(), "the sorted runs went with the staging directory");
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

  private static void write(Path file, int numShards) {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(LINES))
        .apply(WriteSortedLines.to(file.toString()).withHeader("Key,Value")
            .withNumShards(numShards));
    pipeline.run();
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
