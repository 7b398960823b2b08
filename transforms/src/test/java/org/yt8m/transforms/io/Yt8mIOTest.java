package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Throwables;
import com.google.protobuf.ByteString;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.transforms.synthetic.WriteSyntheticShards;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

class Yt8mIOTest {
  private static final FeatureSpec SPEC = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");
  private static final Yt8mEncoder ENCODER = new Yt8mEncoder(SPEC);

  @TempDir
  Path dir;

  @Test
  void readsRecordsOfEveryMatchedShard() throws Exception {
    List<VideoRecord> expected = new ArrayList<>();
    for (int shard = 0; shard < 3; shard++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        VideoRecord record = video("s" + shard + "v" + i, shard + i);
        expected.add(record);
        records.add(ENCODER.encodeVideo(record, true));
      }
      ShardFiles.write(dir.resolve("train000" + shard + ".tfrecord"), records);
    }
    Pipeline pipeline = TestPipelines.create();
    ReadResult<VideoRecord> read = pipeline.apply(Yt8mIO
        .readVideos(dir.resolve("train*.tfrecord").toString()).withFeatures(SPEC)
        .withNumClasses(10));
    PAssert.that(read.records()).containsInAnyOrder(expected);
    PAssert.that(read.deadLetters()).empty();
    PipelineResult result = pipeline.run();
    assertEquals(15, TestPipelines.counter(result, Yt8mIO.class, "records_read"));
    assertEquals(3, TestPipelines.counter(result, Yt8mIO.class, "shards_read"));
  }

  /**
   * A generated split read with {@code dir/*}: its manifest is left out, not read as a corrupt
   * shard; a shard changed since the set was committed fails the read, naming it.
   */
  @Test
  void readsACommittedSetWithoutItsManifestAndRefusesAChangedShard() throws Exception {
    Pipeline generate = TestPipelines.create();
    generate.apply(WriteSyntheticShards.to(dir.toString())
        .withShards(new SyntheticShards("validate", 20, 2, false, 1, 1)).withNumClasses(10));
    generate.run().waitUntilFinish();
    assertTrue(Files.exists(dir.resolve(WriteSyntheticShards.manifestName("validate"))));

    Pipeline pipeline = TestPipelines.create();
    ReadResult<VideoRecord> read = pipeline.apply(Yt8mIO.readVideos(dir.resolve("*").toString())
        .withNumClasses(10));
    PAssert.that(read.records().apply(Count.globally())).containsInAnyOrder(20L);
    PAssert.that(read.deadLetters()).empty();
    pipeline.run();

    Path shard = dir.resolve("validate0001.tfrecord");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, Arrays.copyOf(bytes, bytes.length - 1));
    Pipeline changed = TestPipelines.create();
    changed.apply(Yt8mIO.readVideos(dir.resolve("validate*").toString()).withNumClasses(10));
    Throwable failure = Throwables.getRootCause(assertThrows(RuntimeException.class,
        () -> changed.run().waitUntilFinish()));
    assertTrue(failure instanceof SetMismatchException
        && failure.getMessage().contains(shard.toString()), failure.toString());
  }

  @Test
  void readsGzipShardsByTheirExtension() throws Exception {
    VideoRecord record = video("gz", 1);
    ShardFiles.write(dir.resolve("train0000.tfrecord.gz"),
        List.of(ENCODER.encodeVideo(record, true)));
    Pipeline pipeline = TestPipelines.create();
    ReadResult<VideoRecord> read = pipeline.apply(Yt8mIO
        .readVideos(dir.resolve("*").toString()).withFeatures(SPEC).withNumClasses(10));
    PAssert.that(read.records()).containsInAnyOrder(record);
    pipeline.run();
  }

  @Test
  void readsFrameLevelRecords() throws Exception {
    FeatureSpec frames = FeatureSpec.parse("rgb,audio", "3,1");
    FrameRecord record = FrameRecord.of("f", new int[] {1}, 2, 4, new byte[] {1, 2, 3, 4, 5, 6,
        7, 8});
    ShardFiles.write(dir.resolve("frames.tfrecord"),
        List.of(new Yt8mEncoder(frames).encodeFrames(record, true)));
    Pipeline pipeline = TestPipelines.create();
    ReadResult<FrameRecord> read = pipeline.apply(Yt8mIO
        .readFrames(dir.resolve("frames.tfrecord").toString()).withFeatures(frames));
    PAssert.that(read.records()).containsInAnyOrder(record);
    pipeline.run();
  }

  /** One bad record per reason, each beside good ones, each named by file, index and id. */
  @Test
  void deadLettersEveryInvalidRecordWithItsReason() throws Exception {
    List<byte[]> records = new ArrayList<>();
    records.add(ENCODER.encodeVideo(video("good0", 1), true));
    records.add(new byte[] {0x0a, 0x7f, 0x01});
    records.add(example("noid", null, floats(4), floats(2)).toByteArray());
    records.add(example("missing", null, floats(4), null).toByteArray());
    records.add(example("kind", null, bytesFeature(), floats(2)).toByteArray());
    records.add(example("size", null, floats(1000), floats(2)).toByteArray());
    records.add(example("nan", null, floats(4), FloatList.newBuilder().addValue(1f)
        .addValue(Float.POSITIVE_INFINITY).build()).toByteArray());
    records.add(example("label", 5000L, floats(4), floats(2)).toByteArray());
    records.add(ENCODER.encodeVideo(video("good1", 2), true));
    Path shard = ShardFiles.write(dir.resolve("bad.tfrecord"), records);

    Pipeline pipeline = TestPipelines.create();
    ReadResult<VideoRecord> read = pipeline.apply(Yt8mIO.readVideos(shard.toString())
        .withFeatures(SPEC).withNumClasses(3862));
    PAssert.that(read.records().apply("RecordIds", MapElements.into(TypeDescriptors.strings())
        .via(VideoRecord::id))).containsInAnyOrder("good0", "good1");
    String file = shard.toString();
    PAssert.that(read.deadLetters().apply("DeadLetterLines", MapElements.into(TypeDescriptors.strings())
        .via(DeadLetter::toString))).containsInAnyOrder(
            file + " record 1: malformed: not a tf.train.Example: While parsing a protocol "
                + "message, the input ended unexpectedly in the middle of a field.  This could "
                + "mean either that the input has been truncated or that an embedded message "
                + "misreported its own length.",
            file + " record 2: missing_id: missing id: neither id nor video_id holds a value",
            file + " record 3 (id missing): missing_feature: missing feature mean_audio",
            file + " record 4 (id kind): wrong_kind: feature mean_rgb is a bytes_list, "
                + "expected a float_list",
            file + " record 5 (id size): wrong_size: feature mean_rgb has 1000 values, "
                + "expected 4",
            file + " record 6 (id nan): non_finite: feature mean_audio has a non-finite value "
                + "Infinity at index 1",
            file + " record 7 (id label): label_out_of_range: label 5000 out of range "
                + "[0, 3862)");
    PipelineResult result = pipeline.run();
    for (String reason : List.of("malformed", "missing_id", "missing_feature", "wrong_kind",
        "wrong_size", "non_finite", "label_out_of_range")) {
      assertEquals(1, TestPipelines.counter(result, Yt8mIO.class, "invalid_" + reason), reason);
    }
    assertEquals(9, TestPipelines.counter(result, Yt8mIO.class, "records_read"));
    assertEquals(0, TestPipelines.counter(result, Yt8mIO.class,
        "invalid_" + RejectReason.NO_FRAMES.code()));
  }

  /** Inference does not use labels: labels the model does not know do not lose the video. */
  @Test
  void aReadForInferenceKeepsRecordsWithUnknownLabelsAndCountsThem() throws Exception {
    Path shard = ShardFiles.write(dir.resolve("test.tfrecord"), List.of(
        ENCODER.encodeVideo(video("known", 3), true),
        example("unknown", 5000L, floats(4), floats(2)).toByteArray()));
    Pipeline pipeline = TestPipelines.create();
    ReadResult<VideoRecord> read = pipeline.apply(Yt8mIO.readVideos(shard.toString())
        .withFeatures(SPEC).withNumClasses(3862).withUnknownLabelsIgnored());
    PAssert.that(read.records().apply(MapElements.into(TypeDescriptors.strings())
            .via(record -> record.id() + " " + Arrays.toString(record.labels()))))
        .containsInAnyOrder("known [3]", "unknown []");
    PAssert.that(read.deadLetters()).empty();
    PipelineResult result = pipeline.run();
    assertEquals(1, TestPipelines.counter(result, Yt8mIO.class, "records_with_unknown_labels"));
    assertEquals(0, TestPipelines.counter(result, Yt8mIO.class, "invalid_label_out_of_range"));
  }

  @Test
  void deadLettersFrameLevelRecordsWhoseFeaturesDisagree() throws Exception {
    FeatureSpec frames = FeatureSpec.parse("rgb,audio", "2,1");
    Yt8mEncoder rgbOnly = new Yt8mEncoder(FeatureSpec.parse("rgb", "2"));
    Yt8mEncoder audioOnly = new Yt8mEncoder(FeatureSpec.parse("audio", "1"));
    // Two lists of different lengths, spliced: rgb from one SequenceExample, audio from another.
    byte[] mismatch = splice(rgbOnly.encodeFrames(FrameRecord.of("m", new int[0], 3, 2,
        new byte[6]), false), audioOnly.encodeFrames(FrameRecord.of("m", new int[0], 2, 1,
        new byte[2]), false));
    byte[] empty = new Yt8mEncoder(frames).encodeFrames(FrameRecord.of("e", new int[0], 0, 3,
        new byte[0]), false);
    Path shard = ShardFiles.write(dir.resolve("frames.tfrecord"), List.of(mismatch, empty));

    Pipeline pipeline = TestPipelines.create();
    ReadResult<FrameRecord> read = pipeline.apply(Yt8mIO.readFrames(shard.toString())
        .withFeatures(frames));
    PAssert.that(read.records()).empty();
    PAssert.that(read.deadLetters().apply("DeadLetterLines", MapElements
        .into(TypeDescriptors.strings()).via(DeadLetter::toString))).containsInAnyOrder(
            shard + " record 0 (id m): frame_count_mismatch: rgb has 3 frames, audio 2",
            shard + " record 1 (id e): no_frames: rgb has no frames");
    PipelineResult result = pipeline.run();
    assertEquals(1, TestPipelines.counter(result, Yt8mIO.class, "invalid_frame_count_mismatch"));
    assertEquals(1, TestPipelines.counter(result, Yt8mIO.class, "invalid_no_frames"));
  }

  /**
   * The SequenceExample whose context and first feature list are {@code first}'s, plus the
   * feature lists of {@code second} (protobuf concatenation merges repeated and map fields).
   */
  private static byte[] splice(byte[] first, byte[] second) throws Exception {
    org.tensorflow.proto.SequenceExample merged = org.tensorflow.proto.SequenceExample
        .parseFrom(first).toBuilder().mergeFrom(second).build();
    return merged.toByteArray();
  }

  @Test
  void corruptShardFailsTheJobNamingFileAndRecord() throws Exception {
    Path shard = ShardFiles.write(dir.resolve("corrupt.tfrecord"), List.of(
        ENCODER.encodeVideo(video("a", 1), true), ENCODER.encodeVideo(video("b", 2), true)));
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 10] ^= 0x40; // inside the second record's data
    Files.write(shard, bytes);
    int firstRecordBytes = 12 + ENCODER.encodeVideo(video("a", 1), true).length + 4;

    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Yt8mIO.readVideos(shard.toString()).withFeatures(SPEC).withNumClasses(10))
        .records().apply(Count.globally());
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertEquals(shard + ": record 1 at byte offset " + firstRecordBytes
        + ": data checksum mismatch", Throwables.getRootCause(e).getMessage());
  }

  @Test
  void patternMatchingNothingIsAnError() {
    Pipeline pipeline = TestPipelines.create();
    String pattern = dir.resolve("nothing*.tfrecord").toString();
    pipeline.apply(Yt8mIO.readVideos(pattern)).records().apply(Count.globally());
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    String message = Throwables.getRootCause(e).getMessage();
    assertTrue(message.contains("No files matched spec: " + pattern), message);
  }

  @Test
  void mapsEachValidRecordInsideTheRead() throws Exception {
    Path shard = ShardFiles.write(dir.resolve("train0000.tfrecord"), List.of(
        ENCODER.encodeVideo(video("a", 1), true), new byte[] {0x0a, 0x7f, 0x01},
        ENCODER.encodeVideo(video("b", 2), true)));
    Pipeline pipeline = TestPipelines.create();
    ReadResult<String> read = pipeline.apply(Yt8mIO.readVideos(shard.toString())
        .withFeatures(SPEC).withNumClasses(10)
        .mapped(record -> record.id() + ":" + record.labels().length, StringUtf8Coder.of()));
    PAssert.that(read.records()).containsInAnyOrder("a:" + video("a", 1).labels().length,
        "b:" + video("b", 2).labels().length);
    PAssert.that(read.deadLetters().apply(Count.globally())).containsInAnyOrder(1L);
    PipelineResult result = pipeline.run();
    assertEquals(3, TestPipelines.counter(result, Yt8mIO.class, "records_read"));
  }

  @Test
  void accumulatesEachShardInsideTheRead() throws Exception {
    for (int shard = 0; shard < 3; shard++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < shard + 2; i++) {
        records.add(ENCODER.encodeVideo(video("s" + shard + "v" + i, i), true));
      }
      records.add(new byte[] {0x0a, 0x7f, 0x01});
      ShardFiles.write(dir.resolve("train000" + shard + ".tfrecord"), records);
    }
    Pipeline pipeline = TestPipelines.create();
    ReadResult<Ids> read = pipeline.apply(Yt8mIO
        .readVideos(dir.resolve("train*.tfrecord").toString()).withFeatures(SPEC)
        .withNumClasses(10).accumulatedPerShard(Ids::new, SerializableCoder.of(Ids.class)));
    PAssert.that(read.records().apply(MapElements.into(TypeDescriptors.strings())
        .via(ids -> String.join(",", ids.extractOutput())))).containsInAnyOrder(
            "s0v0,s0v1", "s1v0,s1v1,s1v2", "s2v0,s2v1,s2v2,s2v3");
    PAssert.that(read.deadLetters().apply(Count.globally())).containsInAnyOrder(3L);
    pipeline.run();
  }

  @Test
  void readsEveryShardOnceInShardGroups() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int shard = 0; shard < 5; shard++) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        records.add(ENCODER.encodeVideo(video("s" + shard + "v" + i, i), true));
        expected.add("s" + shard + "v" + i);
      }
      ShardFiles.write(dir.resolve("train000" + shard + ".tfrecord"), records);
    }
    Pipeline pipeline = TestPipelines.create();
    ReadResult<String> read = pipeline.apply(Yt8mIO
        .readVideos(dir.resolve("train*.tfrecord").toString()).withFeatures(SPEC)
        .withNumClasses(10).withShardGroups(2).mapped(VideoRecord::id, StringUtf8Coder.of()));
    PAssert.that(read.records()).containsInAnyOrder(expected);
    PipelineResult result = pipeline.run();
    assertEquals(5, TestPipelines.counter(result, Yt8mIO.class, "shards_read"));
  }

  /** The ids of the records added, in order. */
  private static final class Ids
      implements Accumulator<Yt8mRecord, Ids, List<String>>, Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> ids = new ArrayList<>();

    @Override
    public void addInput(Yt8mRecord record) {
      ids.add(record.id());
    }

    @Override
    public void mergeAccumulator(Ids other) {
      ids.addAll(other.ids);
    }

    @Override
    public List<String> extractOutput() {
      return ids;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Ids that && ids.equals(that.ids);
    }

    @Override
    public int hashCode() {
      return ids.hashCode();
    }
  }

  private static VideoRecord video(String id, int seed) {
    float[] features = new float[6];
    Arrays.fill(features, seed / 10f);
    return VideoRecord.of(id, new int[] {seed % 10}, features);
  }

  private static FloatList floats(int count) {
    FloatList.Builder list = FloatList.newBuilder();
    for (int i = 0; i < count; i++) {
      list.addValue(i / 100f);
    }
    return list.build();
  }

  private static Feature bytesFeature() {
    return Feature.newBuilder().setBytesList(BytesList.newBuilder()
        .addValue(ByteString.copyFromUtf8("x"))).build();
  }

  /** An Example; "noid" leaves the id out, a null feature leaves it out. */
  private static Example example(String id, Long label, Object rgb, FloatList audio) {
    Features.Builder features = Features.newBuilder();
    if (!id.equals("noid")) {
      features.putFeature("id", Feature.newBuilder().setBytesList(BytesList.newBuilder()
          .addValue(ByteString.copyFromUtf8(id))).build());
    }
    if (label != null) {
      features.putFeature("labels", Feature.newBuilder()
          .setInt64List(Int64List.newBuilder().addValue(label)).build());
    }
    if (rgb instanceof FloatList list) {
      features.putFeature("mean_rgb", Feature.newBuilder().setFloatList(list).build());
    } else if (rgb instanceof Feature feature) {
      features.putFeature("mean_rgb", feature);
    }
    if (audio != null) {
      features.putFeature("mean_audio", Feature.newBuilder().setFloatList(audio).build());
    }
    return Example.newBuilder().setFeatures(features).build();
  }

}
