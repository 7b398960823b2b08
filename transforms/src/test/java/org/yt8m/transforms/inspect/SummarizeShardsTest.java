package org.yt8m.transforms.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.Yt8mIO;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

class SummarizeShardsTest {
  private static final FeatureSpec SPEC = FeatureSpec.parse("mean_rgb", "2");

  @TempDir
  Path dir;

  @Test
  void summarizesRecordsAndDeadLettersOverShards() throws Exception {
    Yt8mEncoder encoder = new Yt8mEncoder(SPEC);
    // Shard 0: labels {1, 4}, {4}, and one video without labels; shard 1: {9}, and 7 bad
    // records (a malformed one each), more than the report keeps as examples.
    List<byte[]> first = List.of(
        encoder.encodeVideo(VideoRecord.of("a", new int[] {1, 4}, new float[2]), true),
        encoder.encodeVideo(VideoRecord.of("b", new int[] {4}, new float[2]), true),
        encoder.encodeVideo(VideoRecord.of("c", new int[0], new float[2]), false));
    List<byte[]> second = new ArrayList<>();
    second.add(encoder.encodeVideo(VideoRecord.of("d", new int[] {9}, new float[2]), true));
    for (int i = 0; i < 7; i++) {
      second.add(new byte[] {0x0a, 0x05});
    }
    ShardFiles.write(dir.resolve("s0.tfrecord"), first);
    Path bad = ShardFiles.write(dir.resolve("s1.tfrecord"), second);

    Pipeline pipeline = TestPipelines.create();
    PAssert.thatSingleton(pipeline
        .apply(SummarizeShards.of(Yt8mIO.readVideos(dir.resolve("*.tfrecord").toString())
            .withFeatures(SPEC).withNumClasses(10)))
        .apply(MapElements.into(TypeDescriptors.strings())
            .via(summary -> summary.toJson(false).toString())))
        .isEqualTo(expectedJson(bad.toString()));
    pipeline.run();
  }

  @Test
  void summarizesEmptyInput() throws Exception {
    ShardFiles.write(dir.resolve("empty.tfrecord"), List.of());
    Pipeline pipeline = TestPipelines.create();
    PAssert.thatSingleton(pipeline
        .apply(SummarizeShards.of(Yt8mIO.readVideos(dir.resolve("empty.tfrecord").toString())))
        .apply(MapElements.into(TypeDescriptors.strings())
            .via(summary -> summary.toJson(false).toString())))
        .isEqualTo("{\"records\":0,\"records_with_labels\":0,\"labels\":0,"
            + "\"labels_per_video\":0.0,\"max_labels_per_video\":0,\"distinct_classes\":0,"
            + "\"min_label\":null,\"max_label\":null,\"invalid\":{},\"invalid_examples\":{}}");
    pipeline.run();
  }

  @Test
  void countsFramesOfFrameLevelRecords() {
    RecordStats stats = new RecordStats()
        .add(FrameRecord.of("a", new int[] {2}, 3, 1, new byte[3]))
        .merge(new RecordStats().add(FrameRecord.of("b", new int[0], 5, 1, new byte[5])));
    ObjectNode json = new ShardSummary(stats, new DeadLetterStats()).toJson(true);
    assertEquals(8, json.get("frames").asLong());
    assertEquals(3, json.get("min_frames_per_video").asInt());
    assertEquals(5, json.get("max_frames_per_video").asInt());
  }

  @Test
  void keepsTheFirstExamplesByPlaceWhateverTheMergeOrder() {
    DeadLetterStats left = new DeadLetterStats();
    DeadLetterStats right = new DeadLetterStats();
    for (int i = 9; i >= 0; i--) {
      (i % 2 == 0 ? left : right).add(DeadLetter.ofRecord("f", i, null, "malformed", "m"));
    }
    DeadLetterStats merged = new DeadLetterStats().merge(right).merge(left);
    assertEquals(10L, merged.counts().get("malformed"));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), merged.examples().get("malformed").stream()
        .map(DeadLetter::position).toList());
  }

  private static String expectedJson(String badFile) {
    StringBuilder examples = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      examples.append(i > 1 ? "," : "").append("{\"file\":\"").append(badFile)
          .append("\",\"record\":").append(i).append(",\"id\":null,\"message\":\"not a "
              + "tf.train.Example: While parsing a protocol message, the input ended "
              + "unexpectedly in the middle of a field.  This could mean either that the "
              + "input has been truncated or that an embedded message misreported its own "
              + "length.\"}");
    }
    return "{\"records\":4,\"records_with_labels\":3,\"labels\":4,\"labels_per_video\":"
        + (4.0 / 3) + ",\"max_labels_per_video\":2,\"distinct_classes\":3,\"min_label\":1,"
        + "\"max_label\":9,\"invalid\":{\"malformed\":7},\"invalid_examples\":{\"malformed\":["
        + examples + "]}}";
  }
}
