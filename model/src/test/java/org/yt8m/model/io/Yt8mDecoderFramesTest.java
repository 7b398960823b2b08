package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.yt8m.model.io.Examples.bytes;
import static org.yt8m.model.io.Examples.floats;
import static org.yt8m.model.io.Examples.frames;
import static org.yt8m.model.io.Examples.int64s;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.FeatureLists;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.SequenceExample;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.SegmentRatings;

class Yt8mDecoderFramesTest {
  private static final FeatureSpec SPEC = FeatureSpec.parse("rgb,audio", "3,2");

  /**
   * Written out by hand from the protobuf wire format:
   *
   * <pre>
   * context { feature { key: "id" value { bytes_list { value: "f" } } } }
   * feature_lists { feature_list { key: "rgb" value { feature { bytes_list { value: "\x00\xff" } } } } }
   * </pre>
   */
  private static final String GOLDEN_SEQUENCE_EXAMPLE = "0a0d"
      + "0a0b" + "0a026964" + "1205" + "0a03" + "0a0166"
      + "1211" + "0a0f" + "0a03726762" + "1208" + "0a06" + "0a04" + "0a0200ff";

  @Test
  void decodesHandWrittenGoldenBytes() throws Exception {
    byte[] bytes = java.util.HexFormat.of().parseHex(GOLDEN_SEQUENCE_EXAMPLE);
    FrameRecord record = new Yt8mDecoder(FeatureSpec.parse("rgb", "2"), 10, 300)
        .decodeFrames(bytes, bytes.length);
    assertEquals("f", record.id());
    assertArrayEquals(new int[0], record.labels());
    assertEquals(1, record.numFrames());
    assertArrayEquals(new byte[] {0, (byte) 0xff}, record.quantizedFrames());
    // The same bytes as TensorFlow's own classes read them.
    SequenceExample parsed = SequenceExample.parseFrom(bytes);
    assertArrayEquals(new byte[] {0, (byte) 0xff}, parsed.getFeatureLists()
        .getFeatureListOrThrow("rgb").getFeature(0).getBytesList().getValue(0).toByteArray());
  }

  @Test
  void decodesSegmentRatingsWithTextIds() throws Exception {
    SequenceExample example = sequence("Ab3d", new long[] {4}, "rgb", frames(10, 3));
    byte[] bytes = example.toBuilder().setContext(example.getContext().toBuilder()
        .putFeature("segment_labels", int64s(4, 9))
        .putFeature("segment_start_times", int64s(5, 0))
        .putFeature("segment_scores", floats(1f, 0f))).build().toByteArray();
    SegmentRatings ratings = decoder(SPEC, 300).decodeSegmentRatings(bytes, bytes.length);
    assertEquals(2, ratings.size());
    assertEquals("Ab3d:5", ratings.segmentId(0), "ids are text, not Python 3's b'Ab3d'");
    assertEquals(9, ratings.segmentClass(1));
    assertEquals(0f, ratings.score(1));
    assertArrayEquals(new int[] {4}, ratings.labels());
  }

  @Test
  void rejectsSegmentFieldsOfDifferentLengths() {
    SequenceExample example = sequence("m", null, "rgb", frames(1, 3));
    byte[] bytes = example.toBuilder().setContext(example.getContext().toBuilder()
        .putFeature("segment_labels", int64s(4, 9))
        .putFeature("segment_start_times", int64s(5))
        .putFeature("segment_scores", floats(1f, 0f))).build().toByteArray();
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(SPEC, 300).decodeSegmentRatings(bytes, bytes.length));
    assertEquals(RejectReason.SEGMENT_LISTS_UNEQUAL, e.reason());
    assertEquals("segment_labels has 2 values, segment_start_times 1, segment_scores 2",
        e.getMessage());
  }

  @Test
  void interleavesFeaturesPerFrame() throws Exception {
    FrameRecord record = decode(sequence("f", new long[] {5, 2}, "rgb", frames(2, 3),
        "audio", frames(2, 2)), 300);
    assertEquals("f", record.id());
    assertArrayEquals(new int[] {2, 5}, record.labels());
    assertEquals(2, record.numFrames());
    assertEquals(5, record.frameSize());
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, record.quantizedFrames());
  }

  @Test
  void truncatesToMaxFrames() throws Exception {
    FrameRecord record = decode(sequence("long", null, "rgb", frames(7, 3), "audio",
        frames(7, 2)), 4);
    assertEquals(4, record.numFrames());
    assertEquals(3, record.quantizedFrames()[3 * 5]);
  }

  @Test
  void dequantizesBitExactly() throws Exception {
    FeatureList extremes = FeatureList.newBuilder()
        .addFeature(bytes(new byte[] {0, (byte) 255, (byte) 128})).build();
    FrameRecord record = decodeWith(FeatureSpec.parse("rgb", "3"),
        sequence("q", null, "rgb", extremes), 300);
    float[] values = new float[3];
    record.dequantizeInto(values, 0);
    // byte 128: 128 * (float) (4/255) = 2.0078432 (float32), minus 1.9921875 = 0.015655756.
    assertArrayEquals(new float[] {-1.9921875f, 2.0078125f, 0.015655756f}, values);
  }

  @Test
  void rejectsFrameCountMismatch() {
    assertRejected(RejectReason.FRAME_COUNT_MISMATCH, "rgb has 12 frames, audio 11",
        sequence("m", null, "rgb", frames(12, 3), "audio", frames(11, 2)));
  }

  @Test
  void rejectsNoFrames() {
    assertRejected(RejectReason.NO_FRAMES, "rgb has no frames",
        sequence("m", null, "rgb", frames(0, 3), "audio", frames(0, 2)));
  }

  @Test
  void rejectsMissingFeatureList() {
    assertRejected(RejectReason.MISSING_FEATURE, "missing feature audio",
        sequence("m", null, "rgb", frames(2, 3)));
  }

  @Test
  void rejectsFrameOfWrongSize() {
    assertRejected(RejectReason.WRONG_SIZE, "frame 0 of audio has 3 bytes, expected 2",
        sequence("m", null, "rgb", frames(2, 3), "audio", frames(2, 3)));
  }

  @Test
  void rejectsFrameOfWrongKind() {
    FeatureList floatFrames = FeatureList.newBuilder().addFeature(floats(1f, 2f, 3f)).build();
    assertRejected(RejectReason.WRONG_KIND, "frame 0 of rgb is a float_list, expected a "
        + "bytes_list", sequence("m", null, "rgb", floatFrames, "audio", frames(1, 2)));
  }

  @Test
  void rejectsFrameWithTwoValues() {
    FeatureList twoValues = FeatureList.newBuilder().addFeature(bytes("abc", "def")).build();
    assertRejected(RejectReason.WRONG_SIZE, "frame 0 of rgb has 2 values, expected 1",
        sequence("m", null, "rgb", twoValues, "audio", frames(1, 2)));
  }

  @Test
  void rejectsLabelOutOfRangeInContext() {
    assertRejected(RejectReason.LABEL_OUT_OF_RANGE, "label 5000 out of range [0, 3862)",
        sequence("m", new long[] {5000}, "rgb", frames(1, 3), "audio", frames(1, 2)));
  }

  @Test
  void rejectsAVideoLevelExampleWithAHint() {
    byte[] example = Yt8mDecoderVideoTest.example("id", bytes("v"), "rgb", floats(1f, 2f, 3f))
        .toByteArray();
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(SPEC, 300).decodeFrames(example, example.length));
    assertEquals(RejectReason.MISSING_FEATURE, e.reason());
    assertEquals("missing feature rgb (the record has no feature lists: is it a video-level "
        + "tf.train.Example?)", e.getMessage());
  }

  private static void assertRejected(RejectReason reason, String message,
      SequenceExample example) {
    byte[] bytes = example.toByteArray();
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(SPEC, 300).decodeFrames(bytes, bytes.length));
    assertEquals(reason, e.reason());
    assertEquals("m", e.recordId());
    assertEquals(message, e.getMessage());
  }

  private static FrameRecord decode(SequenceExample example, int maxFrames)
      throws InvalidRecordException {
    return decodeWith(SPEC, example, maxFrames);
  }

  private static FrameRecord decodeWith(FeatureSpec spec, SequenceExample example,
      int maxFrames) throws InvalidRecordException {
    byte[] bytes = example.toByteArray();
    return decoder(spec, maxFrames).decodeFrames(bytes, bytes.length);
  }

  private static Yt8mDecoder decoder(FeatureSpec spec, int maxFrames) {
    return new Yt8mDecoder(spec, 3862, maxFrames);
  }

  /** A SequenceExample with id, optional labels and alternating list names and lists. */
  static SequenceExample sequence(String id, long[] labels, Object... namesAndLists) {
    Features.Builder context = Features.newBuilder().putFeature("id", bytes(id));
    if (labels != null) {
      context.putFeature("labels", int64s(labels));
    }
    FeatureLists.Builder lists = FeatureLists.newBuilder();
    for (int i = 0; i < namesAndLists.length; i += 2) {
      lists.putFeatureList((String) namesAndLists[i], (FeatureList) namesAndLists[i + 1]);
    }
    return SequenceExample.newBuilder().setContext(context).setFeatureLists(lists).build();
  }

}
