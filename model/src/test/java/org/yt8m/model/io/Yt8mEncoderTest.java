package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.SequenceExample;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;

class Yt8mEncoderTest {
  private static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "3,1");
  private static final FeatureSpec FRAMES = FeatureSpec.parse("rgb,audio", "2,1");

  @Test
  void videoRoundTripsThroughTheDecoder() throws Exception {
    VideoRecord record = VideoRecord.of("abc", new int[] {1, 4}, new float[] {1f, 2f, 3f, -4f});
    byte[] bytes = new Yt8mEncoder(VIDEO).encodeVideo(record, true);
    assertEquals(record, new Yt8mDecoder(VIDEO, 10, 300).decodeVideo(bytes, bytes.length));
  }

  @Test
  void videoIsWhatTensorFlowsClassesRead() throws Exception {
    VideoRecord record = VideoRecord.of("abc", new int[] {1, 4}, new float[] {1f, 2f, 3f, -4f});
    Example example = Example.parseFrom(new Yt8mEncoder(VIDEO).encodeVideo(record, true));
    var features = example.getFeatures().getFeatureMap();
    assertEquals("abc", features.get("id").getBytesList().getValue(0).toStringUtf8());
    assertEquals(List.of(1L, 4L), features.get("labels").getInt64List().getValueList());
    assertEquals(List.of(1f, 2f, 3f), features.get("mean_rgb").getFloatList().getValueList());
    assertEquals(List.of(-4f), features.get("mean_audio").getFloatList().getValueList());
  }

  @Test
  void testSplitsCarryNoLabelsKey() throws Exception {
    VideoRecord record = VideoRecord.of("t", new int[] {1}, new float[] {1f, 2f, 3f, 4f});
    Example example = Example.parseFrom(new Yt8mEncoder(VIDEO).encodeVideo(record, false));
    assertFalse(example.getFeatures().containsFeature("labels"));
  }

  @Test
  void framesRoundTripThroughTheDecoder() throws Exception {
    FrameRecord record = FrameRecord.of("f", new int[] {0}, 2, 3, new byte[] {1, 2, 3, 4, 5, 6});
    byte[] bytes = new Yt8mEncoder(FRAMES).encodeFrames(record, true);
    assertEquals(record, new Yt8mDecoder(FRAMES, 10, 300).decodeFrames(bytes, bytes.length));
    SequenceExample parsed = SequenceExample.parseFrom(bytes);
    assertArrayEquals(new byte[] {4, 5}, parsed.getFeatureLists().getFeatureListMap()
        .get("rgb").getFeature(1).getBytesList().getValue(0).toByteArray());
    assertArrayEquals(new byte[] {6}, parsed.getFeatureLists().getFeatureListMap()
        .get("audio").getFeature(1).getBytesList().getValue(0).toByteArray());
  }

  @Test
  void encodeTakesEitherLevel() {
    VideoRecord video = VideoRecord.of("v", new int[] {1}, new float[] {1f, 2f, 3f, 4f});
    FrameRecord frames = FrameRecord.of("f", new int[] {0}, 1, 3, new byte[] {1, 2, 3});
    assertArrayEquals(new Yt8mEncoder(VIDEO).encodeVideo(video, true),
        new Yt8mEncoder(VIDEO).encode(video, true));
    assertArrayEquals(new Yt8mEncoder(FRAMES).encodeFrames(frames, false),
        new Yt8mEncoder(FRAMES).encode(frames, false));
    SegmentRatings ratings = SegmentRatings.of("s", new int[0], new int[0], new long[0],
        new float[0]);
    assertThrows(IllegalArgumentException.class,
        () -> new Yt8mEncoder(FRAMES).encode(ratings, true));
  }
}
