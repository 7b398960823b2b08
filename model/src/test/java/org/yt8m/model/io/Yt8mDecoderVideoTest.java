package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.yt8m.model.io.Examples.bytes;
import static org.yt8m.model.io.Examples.floatRange;
import static org.yt8m.model.io.Examples.floats;
import static org.yt8m.model.io.Examples.int64s;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.VideoRecord;

class Yt8mDecoderVideoTest {
  private static final FeatureSpec TWO_FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");

  /**
   * Written out by hand from the protobuf wire format, in the 2018 releases' shape (an empty
   * top-level field 2 after the features):
   *
   * <pre>
   * features {
   *   feature { key: "id"     value { bytes_list { value: "v1" } } }
   *   feature { key: "labels" value { int64_list { value: [3, 1, 3] } } }
   *   feature { key: "a"      value { float_list { value: [1.0, -2.5] } } }
   * }
   * </pre>
   */
  private static final String GOLDEN_EXAMPLE = "0a34"
      + "0a0c" + "0a026964" + "1206" + "0a04" + "0a027631"
      + "0a11" + "0a066c6162656c73" + "1207" + "1a05" + "0a03030103"
      + "0a11" + "0a0161" + "120c" + "120a" + "0a08" + "0000803f" + "000020c0"
      + "1200";

  @Test
  void decodesHandWrittenGoldenBytes() throws Exception {
    byte[] bytes = HexFormat.of().parseHex(GOLDEN_EXAMPLE);
    VideoRecord record = decoder(FeatureSpec.parse("a", "2"), 10).decodeVideo(bytes, bytes.length);
    assertEquals("v1", record.id());
    assertArrayEquals(new int[] {1, 3}, record.labels(), "sorted, duplicates dropped");
    assertArrayEquals(new float[] {1.0f, -2.5f}, record.features());
  }

  @Test
  void goldenBytesAreWhatTensorFlowsClassesRead() throws Exception {
    Example parsed = Example.parseFrom(HexFormat.of().parseHex(GOLDEN_EXAMPLE));
    assertEquals(List.of(3L, 1L, 3L),
        parsed.getFeatures().getFeatureOrThrow("labels").getInt64List().getValueList());
    assertEquals(List.of(1.0f, -2.5f),
        parsed.getFeatures().getFeatureOrThrow("a").getFloatList().getValueList());
  }

  @Test
  void concatenatesFeaturesInSpecOrderWhateverTheKeyOrder() throws Exception {
    VideoRecord record = decode(example(
        "mean_audio", floatRange(100, 2), "labels", int64s(7), "id", bytes("abc"),
        "mean_rgb", floatRange(0, 4)));
    assertArrayEquals(new float[] {0f, .001f, .002f, .003f, .1f, .101f}, record.features());
    assertArrayEquals(new int[] {7}, record.labels());
  }

  @Test
  void acceptsVideoIdOf2017Releases() throws Exception {
    assertEquals("old", decode(example("video_id", bytes("old"), "mean_rgb", floatRange(0, 4),
        "mean_audio", floatRange(0, 2))).id());
  }

  @Test
  void missingLabelsMeansNoLabels() throws Exception {
    VideoRecord record = decode(example("id", bytes("t"), "mean_rgb", floatRange(0, 4),
        "mean_audio", floatRange(0, 2)));
    assertArrayEquals(new int[0], record.labels());
  }

  @Test
  void skipsUnknownFeaturesAndFields() throws Exception {
    Example example = example("id", bytes("t"), "mean_rgb", floatRange(0, 4),
        "mean_audio", floatRange(0, 2), "extra", bytes("ignored"));
    byte[] withUnknown = concat(example.toByteArray(), new byte[] {0x12, 0x00, 0x18, 0x05});
    assertEquals("t", decoder(TWO_FEATURES, 10).decodeVideo(withUnknown, withUnknown.length)
        .id());
  }

  @Test
  void readsUnpackedFloatsAndLabels() throws Exception {
    // Writers other than TensorFlow may emit repeated scalars unpacked; both forms are legal.
    ByteArrayOutputStream floatList = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(floatList);
    out.writeFloat(1, 0.5f);
    out.writeFloat(1, 0.25f);
    out.flush();
    ByteArrayOutputStream int64List = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(int64List);
    out.writeInt64(1, 4);
    out.writeInt64(1, 2);
    out.flush();
    Example example = example("id", bytes("u"),
        "labels", Feature.parseFrom(message(3, int64List.toByteArray())),
        "a", Feature.parseFrom(message(2, floatList.toByteArray())));
    VideoRecord record = decoder(FeatureSpec.parse("a", "2"), 10).decodeVideo(
        example.toByteArray(), example.toByteArray().length);
    assertArrayEquals(new float[] {0.5f, 0.25f}, record.features());
    assertArrayEquals(new int[] {2, 4}, record.labels());
  }

  @Test
  void decodesOnlyTheGivenLength() throws Exception {
    byte[] bytes = example("id", bytes("t"), "mean_rgb", floatRange(0, 4),
        "mean_audio", floatRange(0, 2)).toByteArray();
    byte[] padded = concat(bytes, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
    assertEquals("t", decoder(TWO_FEATURES, 10).decodeVideo(padded, bytes.length).id());
  }

  @Test
  void rejectsMissingFeature() {
    assertRejected(RejectReason.MISSING_FEATURE, "v", "missing feature mean_audio",
        example("id", bytes("v"), "mean_rgb", floatRange(0, 4)));
  }

  @Test
  void rejectsAFrameLevelSequenceExampleWithAHint() {
    byte[] bytes = Yt8mDecoderFramesTest.sequence("s", null, "rgb", Examples.frames(2, 4))
        .toByteArray();
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(TWO_FEATURES, 10).decodeVideo(bytes, bytes.length));
    assertEquals(RejectReason.MISSING_FEATURE, e.reason());
    assertEquals("missing feature mean_rgb (the record has feature lists: is it a frame-level "
        + "tf.train.SequenceExample?)", e.getMessage());
  }

  @Test
  void rejectsWrongSize() {
    assertRejected(RejectReason.WRONG_SIZE, "v", "feature mean_rgb has 3 values, expected 4",
        example("id", bytes("v"), "mean_rgb", floatRange(0, 3), "mean_audio", floatRange(0, 2)));
    assertRejected(RejectReason.WRONG_SIZE, "v", "feature mean_rgb has 5 values, expected 4",
        example("id", bytes("v"), "mean_rgb", floatRange(0, 5), "mean_audio", floatRange(0, 2)));
  }

  @Test
  void rejectsEmptyFeatureAsWrongSize() {
    assertRejected(RejectReason.WRONG_SIZE, "v", "feature mean_audio has 0 values, expected 2",
        example("id", bytes("v"), "mean_rgb", floatRange(0, 4), "mean_audio",
            Feature.getDefaultInstance()));
  }

  @Test
  void rejectsWrongKind() {
    assertRejected(RejectReason.WRONG_KIND, "v",
        "feature mean_rgb is a bytes_list, expected a float_list",
        example("id", bytes("v"), "mean_rgb", bytes("x"), "mean_audio", floatRange(0, 2)));
    assertRejected(RejectReason.WRONG_KIND, "v", "labels is a float_list, expected an int64_list",
        example("id", bytes("v"), "labels", floats(1f), "mean_rgb", floatRange(0, 4),
            "mean_audio", floatRange(0, 2)));
  }

  @Test
  void rejectsNonFiniteValues() {
    assertRejected(RejectReason.NON_FINITE, "v",
        "feature mean_audio has a non-finite value NaN at index 1",
        example("id", bytes("v"), "mean_rgb", floatRange(0, 4), "mean_audio",
            floats(0f, Float.NaN)));
  }

  @Test
  void rejectsLabelOutOfRange() {
    assertRejected(RejectReason.LABEL_OUT_OF_RANGE, "v", "label 10 out of range [0, 10)",
        example("id", bytes("v"), "labels", int64s(2, 10), "mean_rgb", floatRange(0, 4),
            "mean_audio", floatRange(0, 2)));
    assertRejected(RejectReason.LABEL_OUT_OF_RANGE, "v", "label -1 out of range [0, 10)",
        example("id", bytes("v"), "labels", int64s(-1), "mean_rgb", floatRange(0, 4),
            "mean_audio", floatRange(0, 2)));
  }

  @Test
  void aDecoderForInferenceDropsOutOfRangeLabelsAndKeepsTheRecord() throws Exception {
    byte[] bytes = example("id", bytes("v"), "labels", int64s(12, 2, -1, 10),
        "mean_rgb", floatRange(0, 4), "mean_audio", floatRange(0, 2)).toByteArray();
    Yt8mDecoder decoder = decoder(TWO_FEATURES, 10).droppingOutOfRangeLabels();
    VideoRecord record = decoder.decodeVideo(bytes, bytes.length);
    assertArrayEquals(new int[] {2}, record.labels());
    assertEquals(3, decoder.droppedLabels());
    byte[] inRange = example("id", bytes("w"), "labels", int64s(3), "mean_rgb",
        floatRange(0, 4), "mean_audio", floatRange(0, 2)).toByteArray();
    decoder.decodeVideo(inRange, inRange.length);
    assertEquals(0, decoder.droppedLabels(), "counted per record");
  }

  @Test
  void rejectsMissingId() {
    InvalidRecordException e = assertRejected(RejectReason.MISSING_ID, null,
        "missing id: neither id nor video_id holds a value",
        example("id", bytes(), "mean_rgb", floatRange(0, 4), "mean_audio", floatRange(0, 2)));
    assertNull(e.recordId());
  }

  @Test
  void rejectsMalformedBytes() {
    byte[] garbage = {0x0a, 0x7f, 0x01};
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(TWO_FEATURES, 10).decodeVideo(garbage, garbage.length));
    assertEquals(RejectReason.MALFORMED, e.reason());
    assertEquals("not a tf.train.Example: While parsing a protocol message, the input ended "
        + "unexpectedly in the middle of a field.  This could mean either that the input has "
        + "been truncated or that an embedded message misreported its own length.",
        e.getMessage());
  }

  @Test
  void rejectsAnIdLongerThanItsField() {
    // The GOLDEN_EXAMPLE with the id's value declared 16 bytes long where 2 are present.
    byte[] bytes = HexFormat.of().parseHex(GOLDEN_EXAMPLE.replace("0a027631", "0a107631"));
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(FeatureSpec.parse("a", "2"), 10).decodeVideo(bytes, bytes.length));
    assertEquals(RejectReason.MALFORMED, e.reason());
  }

  @Test
  void agreesWithTensorFlowsClassesOnRandomRecords() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    Yt8mDecoder decoder = decoder(TWO_FEATURES, 100);
    for (int n = 0; n < 200; n++) {
      float[] rgb = new float[4];
      float[] audio = new float[2];
      for (int i = 0; i < 4; i++) {
        rgb[i] = (float) random.nextDouble(-2, 2);
      }
      for (int i = 0; i < 2; i++) {
        audio[i] = (float) random.nextDouble(-2, 2);
      }
      long[] labels = random.longs(random.nextInt(6), 0, 100).toArray();
      byte[] bytes = example("id", bytes("r" + n), "labels", int64s(labels),
          "mean_audio", floats(audio), "mean_rgb", floats(rgb)).toByteArray();
      VideoRecord record = decoder.decodeVideo(bytes, bytes.length);
      assertArrayEquals(new float[] {rgb[0], rgb[1], rgb[2], rgb[3], audio[0], audio[1]},
          record.features());
      assertArrayEquals(java.util.Arrays.stream(labels).distinct().sorted()
          .mapToInt(l -> (int) l).toArray(), record.labels());
    }
  }

  private static InvalidRecordException assertRejected(RejectReason reason, String id,
      String message, Example example) {
    byte[] bytes = example.toByteArray();
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> decoder(TWO_FEATURES, 10).decodeVideo(bytes, bytes.length));
    assertEquals(reason, e.reason());
    assertEquals(id, e.recordId());
    assertEquals(message, e.getMessage());
    return e;
  }

  private static VideoRecord decode(Example example) throws InvalidRecordException {
    byte[] bytes = example.toByteArray();
    return decoder(TWO_FEATURES, 10).decodeVideo(bytes, bytes.length);
  }

  private static Yt8mDecoder decoder(FeatureSpec spec, int numClasses) {
    return new Yt8mDecoder(spec, numClasses, Yt8mDecoder.DEFAULT_MAX_FRAMES);
  }

  /** An Example of alternating keys and features, in the given order. */
  static Example example(Object... keysAndFeatures) {
    Features.Builder features = Features.newBuilder();
    for (int i = 0; i < keysAndFeatures.length; i += 2) {
      features.putFeature((String) keysAndFeatures[i], (Feature) keysAndFeatures[i + 1]);
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static byte[] message(int field, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(body.length);
    out.writeRawBytes(body);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
