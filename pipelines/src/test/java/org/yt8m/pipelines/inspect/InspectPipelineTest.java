package org.yt8m.pipelines.inspect;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.SharedData;

/** The inspect job on the real shards in ../shared/data and on frame-level synthetic data. */
class InspectPipelineTest {
  @TempDir
  Path dir;

  @Test
  void real2018ValidationShards() throws Exception {
    Path folder = SharedData.folder("yt8m-2018-video");
    JsonNode report = inspect("--inputPattern=" + folder.resolve("validate*.tfrecord"));
    assertEquals(1202, report.get("records").asInt());
    assertEquals(1202, report.get("records_with_labels").asInt());
    assertEquals(3818, report.get("max_label").asInt());
    assertTrue(report.get("labels_per_video").asDouble() > 2.95
        && report.get("labels_per_video").asDouble() < 3.24);
    assertEquals(0, report.get("invalid").size());
    assertEquals(1024, report.get("features").get("mean_rgb").asInt());
  }

  @Test
  void real2017ValidationShards() throws Exception {
    Path folder = SharedData.folder("yt8m-2017-video");
    JsonNode report = inspect("--inputPattern=" + folder.resolve("validatea*.tfrecord"),
        "--numClasses=4716");
    assertEquals(3419, report.get("records").asInt());
    assertEquals(11_711, report.get("labels").asInt());
    assertEquals(0, report.get("min_label").asInt());
    assertEquals(4708, report.get("max_label").asInt());
  }

  @Test
  void real2017TestShardsHaveNoLabels() throws Exception {
    Path folder = SharedData.folder("yt8m-2017-video");
    JsonNode report = inspect("--inputPattern=" + folder.resolve("testa*.tfrecord"),
        "--numClasses=4716");
    assertEquals(1709, report.get("records").asInt());
    assertEquals(0, report.get("records_with_labels").asInt());
    assertTrue(report.get("max_label").isNull());
  }

  @Test
  void real2017ShardsAgainstThe2018VocabularyAreDeadLettered() throws Exception {
    String shard = "--inputPattern=" + SharedData.folder("yt8m-2017-video")
        .resolve("validatea0.tfrecord");
    long total = inspect(shard, "--numClasses=4716").get("records").asLong();
    JsonNode report = inspect(shard); // the default, 2018's 3862 classes
    long invalid = report.get("invalid").get("label_out_of_range").asLong();
    assertTrue(invalid > 0, "2017 labels reach 4708, past 2018's 3862 classes");
    assertEquals(total, report.get("records").asLong() + invalid, "none lost");
    assertEquals(5, report.get("invalid_examples").get("label_out_of_range").size());
  }

  @Test
  void frameLevelShardsCountFramesAfterTruncation() throws Exception {
    SyntheticShards shards = new SyntheticShards("train", 30, 1, true, 250, 330);
    Path shard = dir.resolve(shards.shardName(0));
    try (OutputStream out = Files.newOutputStream(shard)) {
      shards.writeShard(0, SyntheticVideos.of(3, 100, FeatureSpec.FRAME_DEFAULT), out);
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    JsonNode report = inspect(text, "--inputPattern=" + shard, "--frameFeatures=true",
        "--numClasses=100");
    // The frames each video really has, read without truncation.
    long expectedKept = 0;
    int fewest = Integer.MAX_VALUE;
    Yt8mDecoder untruncated = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 100, 1000);
    try (TfRecordReader reader = new TfRecordReader(shard.toString(),
        Files.newInputStream(shard))) {
      while (reader.next()) {
        int frames = untruncated.decodeFrames(reader.buffer(), reader.length()).numFrames();
        expectedKept += Math.min(frames, 300);
        fewest = Math.min(fewest, frames);
      }
    }
    assertEquals(30, report.get("records").asInt());
    assertEquals(300, report.get("max_frames_per_video").asInt(), "truncated to 300");
    assertEquals(fewest, report.get("min_frames_per_video").asInt());
    assertEquals(expectedKept, report.get("frames").asLong());
    assertTrue(text.toString(UTF_8).contains("(frame-level)"), text.toString(UTF_8));
  }

  /** A FIFO hung inspect with no output: now it is refused, named, before anything opens it. */
  @Test
  void aFifoIsAnErrorNamingItNotAHang() throws Exception {
    Path fifo = dir.resolve("train0000.tfrecord");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofMinutes(1),
        () -> assertThrows(IllegalArgumentException.class,
            () -> inspect("--inputPattern=" + fifo)));
    assertEquals("--inputPattern=" + fifo + ": " + fifo + " is a FIFO (named pipe), not a "
        + "regular file: only regular files can be read", e.getMessage());
  }

  /** The report may not overwrite what it reports on. */
  @Test
  void aReportThatIsAShardIsRefused() throws Exception {
    Path shard = writeShard("train0000.tfrecord");
    byte[] before = Files.readAllBytes(shard);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InspectPipeline.execute(options("--inputPattern=" + dir.resolve("train*"),
            "--numClasses=100", "--output=" + shard), new PrintStream(
                new ByteArrayOutputStream(), true, UTF_8)));
    assertEquals("--output=" + shard + " is an input: " + shard + ", which "
        + "--inputPattern=" + dir.resolve("train*") + " matches. Write outputs apart from the "
        + "inputs.", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(shard));
  }

  /** Without --output the report is printed and its file removed, whether the job ran or not. */
  @Test
  void withoutOutputNoReportFileIsLeftBehind() throws Exception {
    Path temp = Files.createDirectories(dir.resolve("temp"));
    Path shard = writeShard("train0000.tfrecord");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    InspectPipeline.execute(options("--inputPattern=" + shard, "--numClasses=100",
        "--tempLocation=" + temp), new PrintStream(text, true, UTF_8));
    assertTrue(text.toString(UTF_8).contains("records:   30 valid, 0 invalid"),
        text.toString(UTF_8));
    assertFalse(text.toString(UTF_8).contains("report:"), "no file to point to");
    Files.write(shard, new byte[] {1, 2, 3}); // corrupt: the job fails
    assertThrows(Exception.class, () -> InspectPipeline.execute(options("--inputPattern="
        + shard, "--numClasses=100", "--tempLocation=" + temp), new PrintStream(
            new ByteArrayOutputStream(), true, UTF_8)));
    try (var left = Files.list(temp)) {
      assertEquals(List.of(), left.toList());
    }
  }

  private Path writeShard(String name) throws Exception {
    SyntheticShards shards = new SyntheticShards("train", 30, 1, false, 1, 1);
    Path shard = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(shard)) {
      shards.writeShard(0, SyntheticVideos.of(3, 100, FeatureSpec.VIDEO_DEFAULT), out);
    }
    return shard;
  }

  private static InspectOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).withValidation().as(InspectOptions.class);
  }

  private JsonNode inspect(String... args) throws Exception {
    return inspect(new ByteArrayOutputStream(), args);
  }

  private JsonNode inspect(ByteArrayOutputStream text, String... args) throws Exception {
    Path report = Files.createTempFile(dir, "report", ".json");
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--output=" + report;
    InspectOptions options = PipelineOptionsFactory.fromArgs(all).withValidation()
        .as(InspectOptions.class);
    InspectPipeline.execute(options, new PrintStream(text, true, UTF_8));
    return new ObjectMapper().readTree(report.toFile());
  }
}
