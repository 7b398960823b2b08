package org.yt8m.pipelines.prepare;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.SharedData;

/**
 * The prepare job end to end on the DirectRunner: synthetic shards of both levels, invalid
 * records, reruns, and the real shards in ../shared/data; the output read back with the model's
 * reader and decoder.
 */
class PreparePipelineTest {
  private static final Yt8mDecoder VIDEOS = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 3862,
      300);
  private static final Yt8mDecoder FRAMES = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 3862,
      300);

  @TempDir
  Path dir;

  private final ByteArrayOutputStream text = new ByteArrayOutputStream();

  @Test
  void videoLevelShardsBecomeEqualShuffledShards() throws Exception {
    Path in = synthetic(new SyntheticShards("train", 200, 3, false, 10, 330));
    Path out = dir.resolve("prepared");
    JsonNode manifest = prepare("--trainDataPattern=" + in.resolve("train*"),
        "--outputDir=" + out, "--numShards=4", "--seed=5");

    assertEquals(200, manifest.get("records").asInt());
    assertEquals(4, manifest.get("num_shards").asInt());
    assertEquals("[50,50,50,50]", manifest.get("records_per_shard").toString());
    assertEquals("prepared-00003-of-00004.tfrecord", manifest.get("shards").get(3).asText());
    assertEquals("mean_rgb,mean_audio", manifest.get("feature_names").asText());
    assertEquals("1024,128", manifest.get("feature_sizes").asText());
    assertEquals(5, manifest.get("seed").asLong());
    assertEquals(0, manifest.get("invalid_records").asInt());
    assertEquals(read(VIDEOS::decodeVideo, in, "train*"),
        read(VIDEOS::decodeVideo, out, "prepared-*"), "the same records, none lost or repeated");
    assertTrue(output().startsWith("prepared 200 video-level records in 4 shards of 50 records "
        + "(seed 5) in " + out + ": prepared-00000-of-00004.tfrecord ... "
        + "prepared-00003-of-00004.tfrecord, manifest.json; invalid records left out: none"),
        output());
  }

  @Test
  void invalidRecordsAreLeftOutCountedAndReported() throws Exception {
    Path in = synthetic(new SyntheticShards("train", 120, 2, false, 10, 330));
    Path out = dir.resolve("prepared");
    // Labels reach the 2018 vocabulary's 3862 classes; 20 classes make most out of range.
    JsonNode manifest = prepare("--trainDataPattern=" + in.resolve("train*"),
        "--outputDir=" + out, "--numShards=3", "--numClasses=20");

    long invalid = manifest.get("invalid").get("label_out_of_range").asLong();
    assertTrue(invalid > 0 && invalid < 120, "some, not all: " + invalid);
    assertEquals(invalid, manifest.get("invalid_records").asLong());
    assertEquals(120 - invalid, manifest.get("records").asLong(), "none lost silently");
    Yt8mDecoder twentyClasses = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 20, 300);
    assertEquals(120 - invalid, read(twentyClasses::decodeVideo, out, "prepared-*").size());
    assertEquals(5, manifest.get("invalid_examples").get("label_out_of_range").size());
    assertTrue(output().contains("invalid records left out: " + invalid
        + " (label_out_of_range " + invalid + ")"), output());
  }

  @Test
  void frameLevelShardsKeepTheTruncatedFrames() throws Exception {
    Path in = synthetic(new SyntheticShards("train", 24, 2, true, 250, 330));
    Path out = dir.resolve("prepared");
    JsonNode manifest = prepare("--trainDataPattern=" + in.resolve("train*"),
        "--outputDir=" + out, "--numShards=5", "--frameFeatures=true");

    assertEquals("[5,5,5,5,4]", manifest.get("records_per_shard").toString());
    assertEquals("rgb,audio", manifest.get("feature_names").asText());
    assertEquals(300, manifest.get("max_frames").asInt());
    List<Yt8mRecord> prepared = read(FRAMES::decodeFrames, out, "prepared-*");
    assertEquals(read(FRAMES::decodeFrames, in, "train*"), prepared);
    assertEquals(300, prepared.stream().mapToInt(r -> ((FrameRecord) r).numFrames()).max()
        .orElseThrow(), "videos past 300 frames were written truncated");
    assertTrue(output().startsWith("prepared 24 frame-level records in 5 shards of 4 to 5 "
        + "records"), output());
  }

  @Test
  void rerunWritesTheSameBytesAndAnotherShardCountReplacesTheEarlierShards() throws Exception {
    Path in = synthetic(new SyntheticShards("train", 30, 2, false, 10, 330));
    Path out = dir.resolve("prepared");
    String[] args = {"--trainDataPattern=" + in.resolve("train*"), "--outputDir=" + out,
        "--numShards=2", "--seed=11"};
    prepare(args);
    byte[] first = Files.readAllBytes(out.resolve("prepared-00001-of-00002.tfrecord"));
    prepare(args);
    assertArrayEquals(first, Files.readAllBytes(out.resolve("prepared-00001-of-00002.tfrecord")));

    JsonNode manifest = prepare("--trainDataPattern=" + in.resolve("train*"),
        "--outputDir=" + out, "--numShards=3");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("manifest.json", "prepared-00000-of-00003.tfrecord",
          "prepared-00001-of-00003.tfrecord", "prepared-00002-of-00003.tfrecord"),
          files.map(file -> file.getFileName().toString()).sorted().toList(),
          "no shard of two is left for prepared-* to read twice, nor anything staged");
    }
    assertEquals(30, manifest.get("records").asInt());
    assertTrue(manifest.get("complete").asBoolean());
    for (JsonNode file : manifest.get("files")) {
      assertEquals(Files.size(out.resolve(file.get("name").asText())),
          file.get("bytes").asLong());
    }
  }

  /** A rerun would have read the shards the first run prepared as input too. */
  @Test
  void anOutputDirectoryHoldingTheInputsIsRefused() throws Exception {
    Path in = synthetic(new SyntheticShards("train", 10, 1, false, 10, 330));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> prepare("--trainDataPattern=" + in.resolve("*.tfrecord"), "--outputDir=" + in));
    assertEquals("--outputDir=" + in + " holds an input: "
        + in.resolve("train0000.tfrecord") + ", which --trainDataPattern="
        + in.resolve("*.tfrecord") + " matches. Write outputs apart from the inputs.",
        e.getMessage());
    try (var files = Files.list(in)) {
      assertEquals(1, files.count(), "nothing written");
    }
  }

  @Test
  void real2018ValidationShards() throws Exception {
    Path folder = SharedData.folder("yt8m-2018-video");
    Path out = dir.resolve("prepared");
    JsonNode manifest = prepare("--trainDataPattern=" + folder.resolve("validate*.tfrecord"),
        "--outputDir=" + out, "--numShards=4", "--seed=1");

    assertEquals(1202, manifest.get("records").asInt());
    assertEquals("[301,300,301,300]", manifest.get("records_per_shard").toString());
    assertEquals(0, manifest.get("invalid_records").asInt());
    assertEquals(read(VIDEOS::decodeVideo, folder, "validate*.tfrecord"),
        read(VIDEOS::decodeVideo, out, "prepared-*"),
        "every real record, re-encoded, decodes to what the original decodes to");
  }

  /** Writes {@code shards} (seed 4, 3862 classes) into a folder of its own. */
  private Path synthetic(SyntheticShards shards) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    FeatureSpec features = shards.frameLevel() ? FeatureSpec.FRAME_DEFAULT
        : FeatureSpec.VIDEO_DEFAULT;
    for (int shard = 0; shard < shards.numShards(); shard++) {
      try (OutputStream stream = Files.newOutputStream(in.resolve(shards.shardName(shard)))) {
        shards.writeShard(shard, SyntheticVideos.of(4, 3862, features), stream);
      }
    }
    return in;
  }

  private JsonNode prepare(String... args) throws Exception {
    PrepareOptions options = PipelineOptionsFactory.fromArgs(args).withValidation()
        .as(PrepareOptions.class);
    PreparePipeline.execute(options, new PrintStream(text, true, UTF_8));
    return new ObjectMapper().readTree(Path.of(options.getOutputDir())
        .resolve("manifest.json").toFile());
  }

  private String output() {
    return text.toString(UTF_8);
  }

  /** The records of the files in {@code folder} matching {@code glob}, by id. */
  private static List<Yt8mRecord> read(Decode decode, Path folder, String glob)
      throws Exception {
    PathMatcher matcher = folder.getFileSystem().getPathMatcher("glob:" + glob);
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.filter(file -> matcher.matches(file.getFileName())).toList();
    }
    List<Yt8mRecord> records = new ArrayList<>();
    for (Path file : files) {
      try (TfRecordReader reader = new TfRecordReader(file.toString(),
          Files.newInputStream(file))) {
        while (reader.next()) {
          records.add(decode.decode(reader.buffer(), reader.length()));
        }
      }
    }
    records.sort(Comparator.comparing(Yt8mRecord::id));
    return records;
  }

  /** {@link Yt8mDecoder#decodeVideo} or {@link Yt8mDecoder#decodeFrames}. */
  @FunctionalInterface
  private interface Decode {
    Yt8mRecord decode(byte[] data, int length) throws InvalidRecordException;
  }
}
