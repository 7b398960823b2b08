package org.yt8m.transforms.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.io.SortedRuns;
import org.yt8m.transforms.io.Yt8mIO;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

/**
 * The shuffle end to end on the DirectRunner: records written as input shards, read with
 * {@link ShuffleIntoShards#runsInRead}, shuffled; the shards compared with the same shuffle
 * done in plain Java and with each other across splits, bundlings and run sizes.
 */
class ShuffleIntoShardsTest {
  private static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");
  private static final FeatureSpec FRAMES = FeatureSpec.parse("rgb,audio", "3,1");
  private static final int CLASSES = 10;

  @TempDir
  Path dir;

  private int inputs;

  @Test
  void everyRecordLandsOnceInShardsOfEqualSize() throws Exception {
    List<VideoRecord> videos = videos(103);
    Path out = dir.resolve("out");
    Pipeline pipeline = TestPipelines.create();
    ShuffleIntoShards shuffle = ShuffleIntoShards.to(out.toString()).withFeatures(VIDEO)
        .withNumShards(7).withSeed(3);
    PCollection<ShardPlan> plan = pipeline.apply(readVideos(inputShards(videos, 3))
            .through(shuffle.runsInRead()))
        .records().apply(shuffle);
    PAssert.thatSingleton(plan.apply(MapElements.into(TypeDescriptors.longs())
        .via(ShardPlan::records))).isEqualTo(103L);
    PipelineResult result = pipeline.run();

    List<List<byte[]>> shards = readShards(out, 7);
    List<VideoRecord> read = new ArrayList<>();
    for (List<byte[]> shard : shards) {
      assertTrue(shard.size() == 14 || shard.size() == 15, "103 / 7 = 14.7: " + shard.size());
      shard.forEach(bytes -> read.add(decodeVideo(bytes)));
    }
    assertEquals(byId(videos), byId(read), "a permutation: none lost, none repeated");
    assertEquals(103, TestPipelines.counter(result, ShuffleIntoShards.class, "records_written"));
    assertEquals(7, TestPipelines.counter(result, ShuffleIntoShards.class, "shards_written"));
    assertEquals(3, TestPipelines.counter(result, ShuffleIntoShards.class, "sorted_runs"),
        "a run per input shard");
    for (int i = 1; i < read.size(); i++) {
      assertTrue(Long.compareUnsigned(ShuffleIntoShards.hash(3, read.get(i - 1).id()),
          ShuffleIntoShards.hash(3, read.get(i).id())) <= 0,
          "shards are consecutive ranges of the seeded hash order");
    }
  }

  /**
   * Videos sharing ids five at a time share a hash, so their bucket straddles most shard
   * boundaries: each of two neighbouring writers ranks the bucket and keeps its part.
   */
  @Test
  void shardsAreTheRecordsSortedByHashAndBytesCutIntoEqualRanges() throws Exception {
    List<VideoRecord> distinct = videos(200);
    List<VideoRecord> videos = new ArrayList<>();
    for (int i = 0; i < distinct.size(); i++) {
      VideoRecord video = distinct.get(i);
      videos.add(VideoRecord.of("d" + i / 5, video.labels(), video.features()));
    }
    videos.add(videos.get(17)); // a record twice: equal bytes, any order is the same
    List<byte[]> expected = reference(videos, 13, 7);
    assertTrue(straddledBoundaries(videos, 13, 7) >= 3, "the test needs buckets across "
        + "shard boundaries");

    Path out = dir.resolve("out");
    shuffle(videos, 4, ShuffleIntoShards.to(out.toString()).withFeatures(VIDEO)
        .withNumShards(7).withSeed(13));
    assertShards(expected, out);
  }

  @Test
  void sameRecordsAndSeedGiveTheSameBytesHoweverTheInputIsSplit() throws Exception {
    List<VideoRecord> videos = videos(60);
    List<VideoRecord> reversed = new ArrayList<>(videos);
    Collections.reverse(reversed);
    Path fromOne = dir.resolve("fromOne");
    Path fromFive = dir.resolve("fromFive");
    shuffle(videos, 1, ShuffleIntoShards.to(fromOne.toString()).withFeatures(VIDEO)
        .withNumShards(4).withSeed(9));
    shuffle(reversed, 5, ShuffleIntoShards.to(fromFive.toString()).withFeatures(VIDEO)
        .withNumShards(4).withSeed(9));
    for (int shard = 0; shard < 4; shard++) {
      String name = ShuffleIntoShards.shardName(shard, 4);
      assertArrayEquals(Files.readAllBytes(fromOne.resolve(name)),
          Files.readAllBytes(fromFive.resolve(name)), name);
    }
    assertShards(reference(videos, 9, 4), fromOne);
  }

  /**
   * A run per record: each shard merges more runs than are read at once, in groups first, and
   * writes the same bytes.
   */
  @Test
  void manyRunsAreMergedInGroupsIntoTheSameBytes() throws Exception {
    List<VideoRecord> videos = videos(150);
    assertTrue(150 / 2 > SortedRuns.FAN_IN, "each shard gets more slices than the fan-in");
    Path out = dir.resolve("out");
    PipelineResult result = shuffle(videos, 2, ShuffleIntoShards.to(out.toString())
        .withFeatures(VIDEO).withNumShards(2).withSeed(5).withMaxRunBytes(1));
    assertEquals(150, TestPipelines.counter(result, ShuffleIntoShards.class, "sorted_runs"));
    assertShards(reference(videos, 5, 2), out);
  }

  @Test
  void theCommitLeavesNoRunsBehind() throws Exception {
    Path out = dir.resolve("out");
    PipelineResult result = shuffle(videos(40), 3, ShuffleIntoShards.to(out.toString())
        .withFeatures(VIDEO).withNumShards(2).withMaxRunBytes(1000));
    assertTrue(TestPipelines.counter(result, ShuffleIntoShards.class, "sorted_runs") > 3);
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("manifest.json", ShuffleIntoShards.shardName(0, 2),
          ShuffleIntoShards.shardName(1, 2)),
          files.map(file -> file.getFileName().toString()).sorted().toList(),
          "the runs went with the staging directory");
    }
  }

  @Test
  void anotherSeedIsAnotherPermutation() throws Exception {
    List<VideoRecord> videos = videos(40);
    shuffle(videos, 2, ShuffleIntoShards.to(dir.resolve("seed1").toString())
        .withFeatures(VIDEO).withNumShards(2).withSeed(1));
    shuffle(videos, 2, ShuffleIntoShards.to(dir.resolve("seed2").toString())
        .withFeatures(VIDEO).withNumShards(2).withSeed(2));
    List<String> first = ids(readShards(dir.resolve("seed1"), 2));
    List<String> second = ids(readShards(dir.resolve("seed2"), 2));
    assertNotEquals(first, second);
    assertEquals(first.stream().sorted().toList(), second.stream().sorted().toList());
  }

  @Test
  void fewerRecordsThanShardsLeavesSomeShardsEmpty() throws Exception {
    Path out = dir.resolve("out");
    shuffle(videos(3), 1, ShuffleIntoShards.to(out.toString()).withFeatures(VIDEO)
        .withNumShards(5));
    List<Integer> sizes = readShards(out, 5).stream().map(List::size).toList();
    assertEquals(List.of(1, 1, 0, 1, 0), sizes, "ranks 0, 1, 2 at ceil(k * 3 / 5)");
  }

  @Test
  void noRecordsWritesEveryShardEmpty() throws Exception {
    Path out = dir.resolve("out");
    shuffle(List.of(), 1, ShuffleIntoShards.to(out.toString()).withFeatures(VIDEO)
        .withNumShards(3));
    for (int shard = 0; shard < 3; shard++) {
      assertEquals(0, Files.size(out.resolve(ShuffleIntoShards.shardName(shard, 3))));
    }
  }

  @Test
  void frameLevelRecords() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    List<FrameRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int frames = 1 + random.nextInt(6);
      byte[] values = new byte[frames * FRAMES.totalSize()];
      random.nextBytes(values);
      records.add(FrameRecord.of("f" + i, new int[] {i % CLASSES}, frames, FRAMES.totalSize(),
          values));
    }
    Path out = dir.resolve("out");
    ShuffleIntoShards shuffle = ShuffleIntoShards.to(out.toString()).withFeatures(FRAMES)
        .withNumShards(4);
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Yt8mIO.readFrames(inputShards(records, 2, FRAMES).resolve("*").toString())
            .withFeatures(FRAMES).withNumClasses(CLASSES).through(shuffle.runsInRead()))
        .records().apply(shuffle);
    pipeline.run();
    Yt8mDecoder decoder = new Yt8mDecoder(FRAMES, CLASSES, 300);
    List<FrameRecord> read = new ArrayList<>();
    for (List<byte[]> shard : readShards(out, 4)) {
      assertTrue(shard.size() == 7 || shard.size() == 8, "30 / 4: " + shard.size());
      for (byte[] bytes : shard) {
        read.add(decoder.decodeFrames(bytes, bytes.length));
      }
    }
    assertEquals(byId(records), byId(read));
  }

  @Test
  void validatesItsSettings() {
    assertThrows(IllegalArgumentException.class,
        () -> ShuffleIntoShards.to(dir.toString()).runsInRead(), "no features");
    Pipeline pipeline = TestPipelines.create();
    PCollection<SortedRun> runs = pipeline.apply(Create.empty(SortedRun.Coder.of()));
    assertThrows(IllegalArgumentException.class,
        () -> runs.apply("NoShards", ShuffleIntoShards.to(dir.toString()).withFeatures(VIDEO)
            .withNumShards(0)));
  }

  private PipelineResult shuffle(List<VideoRecord> videos, int files, ShuffleIntoShards shuffle)
      throws IOException {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(readVideos(inputShards(videos, files)).through(shuffle.runsInRead()))
        .records().apply(shuffle);
    return pipeline.run();
  }

  private static Yt8mIO.Read<VideoRecord> readVideos(Path inputs) {
    return Yt8mIO.readVideos(inputs.resolve("*").toString()).withFeatures(VIDEO)
        .withNumClasses(CLASSES);
  }

  private Path inputShards(List<VideoRecord> videos, int files) throws IOException {
    return inputShards(videos, files, VIDEO);
  }

  /** {@code records} dealt into {@code files} TFRecord shards in a new directory. */
  private Path inputShards(List<? extends Yt8mRecord> records, int files, FeatureSpec features)
      throws IOException {
    Path in = Files.createDirectories(dir.resolve("in" + inputs++));
    Yt8mEncoder encoder = new Yt8mEncoder(features);
    for (int file = 0; file < files; file++) {
      List<byte[]> shard = new ArrayList<>();
      for (int i = file; i < records.size(); i += files) {
        shard.add(encoder.encode(records.get(i), records.get(i).hasLabels()));
      }
      ShardFiles.write(in.resolve(String.format("train%04d.tfrecord", file)), shard);
    }
    return in;
  }

  /** A record as the shuffle orders it, computed here without the shuffle's classes. */
  private record Keyed(long hash, byte[] bytes) {}

  /** The records in shuffled order: by unsigned seeded hash of the id, then encoded bytes. */
  private static List<Keyed> sorted(List<VideoRecord> videos, long seed) {
    Yt8mEncoder encoder = new Yt8mEncoder(VIDEO);
    return videos.stream()
        .map(v -> new Keyed(ShuffleIntoShards.hash(seed, v.id()), encoder.encode(v,
            v.hasLabels())))
        .sorted((a, b) -> a.hash() != b.hash() ? Long.compareUnsigned(a.hash(), b.hash())
            : Arrays.compareUnsigned(a.bytes(), b.bytes()))
        .toList();
  }

  /** The first rank of shard {@code shard}: {@code ceil(shard * n / shards)}. */
  private static int shardStart(int shard, int n, int shards) {
    return (shard * n + shards - 1) / shards;
  }

  /** The shards' bytes, in plain Java: the sorted records cut into equal ranges. */
  private static List<byte[]> reference(List<VideoRecord> videos, long seed, int shards)
      throws IOException {
    List<Keyed> sorted = sorted(videos, seed);
    List<byte[]> files = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TfRecordWriter writer = new TfRecordWriter(bytes)) {
        for (int rank = shardStart(shard, sorted.size(), shards);
            rank < shardStart(shard + 1, sorted.size(), shards); rank++) {
          writer.write(sorted.get(rank).bytes());
        }
      }
      files.add(bytes.toByteArray());
    }
    return files;
  }

  /** The shard boundaries with records of one hash bucket (top 16 bits) on both sides. */
  private static int straddledBoundaries(List<VideoRecord> videos, long seed, int shards) {
    List<Keyed> sorted = sorted(videos, seed);
    int straddled = 0;
    for (int shard = 1; shard < shards; shard++) {
      int start = shardStart(shard, sorted.size(), shards);
      straddled += sorted.get(start - 1).hash() >>> 48 == sorted.get(start).hash() >>> 48
          ? 1 : 0;
    }
    return straddled;
  }

  private static void assertShards(List<byte[]> expected, Path out) throws IOException {
    for (int shard = 0; shard < expected.size(); shard++) {
      String name = ShuffleIntoShards.shardName(shard, expected.size());
      assertArrayEquals(expected.get(shard), Files.readAllBytes(out.resolve(name)), name);
    }
  }

  /** Videos {@code v0, v1, ...}, some without labels, with random features. */
  private static List<VideoRecord> videos(int count) {
    SplittableRandom random = new SplittableRandom(count);
    List<VideoRecord> videos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      float[] features = new float[VIDEO.totalSize()];
      for (int f = 0; f < features.length; f++) {
        features[f] = (float) random.nextGaussian();
      }
      int[] labels = i % 4 == 0 ? new int[0] : new int[] {i % CLASSES};
      videos.add(VideoRecord.of("v" + i, labels, features));
    }
    return videos;
  }

  private static List<List<byte[]>> readShards(Path out, int numShards) throws Exception {
    List<List<byte[]>> shards = new ArrayList<>();
    for (int shard = 0; shard < numShards; shard++) {
      Path file = out.resolve(ShuffleIntoShards.shardName(shard, numShards));
      List<byte[]> records = new ArrayList<>();
      try (TfRecordReader reader = new TfRecordReader(file.toString(),
          Files.newInputStream(file))) {
        while (reader.next()) {
          records.add(Arrays.copyOf(reader.buffer(), reader.length()));
        }
      }
      shards.add(records);
    }
    return shards;
  }

  private static VideoRecord decodeVideo(byte[] bytes) {
    try {
      return new Yt8mDecoder(VIDEO, CLASSES, 300).decodeVideo(bytes, bytes.length);
    } catch (InvalidRecordException e) {
      throw new AssertionError("the shuffle wrote an invalid record", e);
    }
  }

  private static List<String> ids(List<List<byte[]>> shards) {
    return shards.stream().flatMap(List::stream).map(bytes -> decodeVideo(bytes).id())
        .toList();
  }

  private static <T extends Yt8mRecord> List<T> byId(List<T> records) {
    return records.stream().sorted(Comparator.comparing(Yt8mRecord::id)).toList();
  }
}
