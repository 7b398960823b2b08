package org.yt8m.transforms.shuffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
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
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.coders.FrameRecordCoder;
import org.yt8m.transforms.coders.VideoRecordCoder;
import org.yt8m.transforms.io.Yt8mIO;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

class ShuffleIntoShardsTest {
  private static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");
  private static final FeatureSpec FRAMES = FeatureSpec.parse("rgb,audio", "3,1");
  private static final int CLASSES = 10;

  @TempDir
  Path dir;

  @Test
  void everyRecordLandsOnceInShardsOfEqualSize() throws Exception {
    List<VideoRecord> videos = videos(103);
    Path out = dir.resolve("out");
    Pipeline pipeline = TestPipelines.create();
    PCollection<ShardPlan> plan = pipeline.apply(Create.of(videos)
            .withCoder(VideoRecordCoder.of()))
        .apply(ShuffleIntoShards.<VideoRecord>to(out.toString()).withFeatures(VIDEO)
            .withNumShards(7).withSeed(3));
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
    for (int i = 1; i < read.size(); i++) {
      assertTrue(Long.compareUnsigned(ShuffleIntoShards.hash(3, read.get(i - 1).id()),
          ShuffleIntoShards.hash(3, read.get(i).id())) <= 0,
          "shards are consecutive ranges of the seeded hash order");
    }
  }

  @Test
  void sameRecordsAndSeedGiveTheSameBytesHoweverTheInputIsSplit() throws Exception {
    List<VideoRecord> videos = videos(60);
    Path oneFile = dir.resolve("one");
    Path fiveFiles = dir.resolve("five");
    Files.createDirectories(oneFile);
    Files.createDirectories(fiveFiles);
    Yt8mEncoder encoder = new Yt8mEncoder(VIDEO);
    ShardFiles.write(oneFile.resolve("train0000.tfrecord"),
        videos.stream().map(v -> encoder.encode(v, v.hasLabels())).toList());
    List<VideoRecord> reversed = new ArrayList<>(videos);
    Collections.reverse(reversed);
    for (int file = 0; file < 5; file++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = file; i < reversed.size(); i += 5) {
        records.add(encoder.encode(reversed.get(i), reversed.get(i).hasLabels()));
      }
      ShardFiles.write(fiveFiles.resolve("train000" + file + ".tfrecord"), records);
    }
    Path fromOne = dir.resolve("fromOne");
    Path fromFive = dir.resolve("fromFive");
    for (Path[] run : new Path[][] {{oneFile, fromOne}, {fiveFiles, fromFive}}) {
      Pipeline pipeline = TestPipelines.create();
      pipeline.apply(Yt8mIO.readVideos(run[0].resolve("*.tfrecord").toString())
              .withFeatures(VIDEO).withNumClasses(CLASSES))
          .records()
          .apply(ShuffleIntoShards.<VideoRecord>to(run[1].toString()).withFeatures(VIDEO)
              .withNumShards(4).withSeed(9));
      pipeline.run();
    }
    for (int shard = 0; shard < 4; shard++) {
      String name = ShuffleIntoShards.shardName(shard, 4);
      assertArrayEquals(Files.readAllBytes(fromOne.resolve(name)),
          Files.readAllBytes(fromFive.resolve(name)), name);
    }
  }

  @Test
  void aSmallMemoryBudgetWritesInPassesTheSameBytes() throws Exception {
    List<VideoRecord> videos = videos(50);
    Path whole = dir.resolve("whole");
    Path sliced = dir.resolve("sliced");
    shuffle(videos, whole, 3, 5, Long.MAX_VALUE);
    PipelineResult result = shuffle(videos, sliced, 3, 5, 1);
    assertTrue(TestPipelines.counter(result, ShuffleIntoShards.class, "write_passes") > 3,
        "a pass per bucket, several per shard");
    for (int shard = 0; shard < 3; shard++) {
      String name = ShuffleIntoShards.shardName(shard, 3);
      assertArrayEquals(Files.readAllBytes(whole.resolve(name)),
          Files.readAllBytes(sliced.resolve(name)), name);
    }
  }

  @Test
  void anotherSeedIsAnotherPermutation() throws Exception {
    List<VideoRecord> videos = videos(40);
    shuffle(videos, dir.resolve("seed1"), 2, 1, Long.MAX_VALUE);
    shuffle(videos, dir.resolve("seed2"), 2, 2, Long.MAX_VALUE);
    List<String> first = ids(readShards(dir.resolve("seed1"), 2));
    List<String> second = ids(readShards(dir.resolve("seed2"), 2));
    assertNotEquals(first, second);
    assertEquals(first.stream().sorted().toList(), second.stream().sorted().toList());
  }

  @Test
  void fewerRecordsThanShardsLeavesSomeShardsEmpty() throws Exception {
    shuffle(videos(3), dir, 5, 0, Long.MAX_VALUE);
    List<Integer> sizes = readShards(dir, 5).stream().map(List::size).toList();
    assertEquals(List.of(1, 1, 0, 1, 0), sizes, "ranks 0, 1, 2 at ceil(k * 3 / 5)");
  }

  @Test
  void noRecordsWritesEveryShardEmpty() throws Exception {
    shuffle(List.of(), dir, 3, 0, Long.MAX_VALUE);
    for (int shard = 0; shard < 3; shard++) {
      assertEquals(0, Files.size(dir.resolve(ShuffleIntoShards.shardName(shard, 3))));
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
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(records).withCoder(FrameRecordCoder.of()))
        .apply(ShuffleIntoShards.<FrameRecord>to(dir.toString()).withFeatures(FRAMES)
            .withNumShards(4));
    pipeline.run();
    Yt8mDecoder decoder = new Yt8mDecoder(FRAMES, CLASSES, 300);
    List<FrameRecord> read = new ArrayList<>();
    for (List<byte[]> shard : readShards(dir, 4)) {
      assertTrue(shard.size() == 7 || shard.size() == 8, "30 / 4: " + shard.size());
      for (byte[] bytes : shard) {
        read.add(decoder.decodeFrames(bytes, bytes.length));
      }
    }
    assertEquals(byId(records), byId(read));
  }

  @Test
  void validatesItsSettings() {
    Pipeline pipeline = TestPipelines.create();
    PCollection<VideoRecord> videos = pipeline.apply(Create.empty(VideoRecordCoder.of()));
    assertThrows(IllegalArgumentException.class,
        () -> videos.apply("NoFeatures", ShuffleIntoShards.<VideoRecord>to(dir.toString())));
    assertThrows(IllegalArgumentException.class,
        () -> videos.apply("NoShards", ShuffleIntoShards.<VideoRecord>to(dir.toString())
            .withFeatures(VIDEO).withNumShards(0)));
  }

  private PipelineResult shuffle(List<VideoRecord> videos, Path out, int shards, long seed,
      long maxBytesInMemory) {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Create.of(videos).withCoder(VideoRecordCoder.of()))
        .apply(ShuffleIntoShards.<VideoRecord>to(out.toString()).withFeatures(VIDEO)
            .withNumShards(shards).withSeed(seed).withMaxBytesInMemory(maxBytesInMemory));
    return pipeline.run();
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
