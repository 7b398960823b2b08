package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yt8m.model.io.Examples.floats;
import static org.yt8m.model.io.Examples.frames;
import static org.yt8m.model.io.Examples.int64s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.SequenceExample;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.SegmentRatings;

/**
 * The 2019 segment fields, read from records built with TensorFlow's own classes and written
 * so that those classes read them back, and every rule a rated video must keep.
 */
class SegmentRecordsTest {
  private static final FeatureSpec SPEC = FeatureSpec.parse("rgb", "3");
  private static final Yt8mDecoder DECODER = new Yt8mDecoder(SPEC, 10, 300);

  @Test
  void readsFramesAndRatingsOfAHandBuiltRecord() throws Exception {
    byte[] bytes = rated(12, int64s(4, 9, 4), int64s(5, 0, 10), floats(1f, 0f, 0f));
    RatedVideo video = DECODER.decodeRatedVideo(bytes, bytes.length, 5);
    assertEquals("v", video.id());
    assertArrayEquals(new int[] {4}, video.labels());
    assertEquals(12, video.frames().numFrames());
    SegmentRatings ratings = video.ratings();
    assertEquals(3, ratings.size());
    assertEquals("v:10", ratings.segmentId(2));
    assertEquals(9, ratings.segmentClass(1));
    assertEquals(1f, ratings.score(0));
    assertTrue(DECODER.hasSegmentFields(bytes, bytes.length));
  }

  @Test
  void writesWhatTensorFlowReadsAndTheDecoderReadsBack() throws Exception {
    byte[] source = rated(12, int64s(4, 9), int64s(5, 0), floats(1f, 0f));
    RatedVideo video = DECODER.decodeRatedVideo(source, source.length, 5);
    byte[] written = new Yt8mEncoder(SPEC).encodeRatedVideo(video, true);

    Features context = SequenceExample.parseFrom(written).getContext();
    assertEquals(java.util.List.of(4L, 9L), context.getFeatureOrThrow("segment_labels")
        .getInt64List().getValueList());
    assertEquals(java.util.List.of(5L, 0L), context.getFeatureOrThrow("segment_start_times")
        .getInt64List().getValueList());
    assertEquals(java.util.List.of(1f, 0f), context.getFeatureOrThrow("segment_scores")
        .getFloatList().getValueList());
    assertEquals(video, DECODER.decodeRatedVideo(written, written.length, 5));
  }

  @Test
  void aTestSplitIsWrittenWithoutLabelsOrRatings() throws Exception {
    byte[] source = rated(12, int64s(4), int64s(5), floats(1f));
    RatedVideo video = DECODER.decodeRatedVideo(source, source.length, 5);
    byte[] written = new Yt8mEncoder(SPEC).encodeRatedVideo(video, false);
    assertFalse(DECODER.hasSegmentFields(written, written.length));
    Features context = SequenceExample.parseFrom(written).getContext();
    assertEquals(java.util.Set.of("id"), context.getFeatureMap().keySet());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "4,9 | 5 | 1,0 | segment_lists_unequal | segment_labels has 2 values, "
          + "segment_start_times 1, segment_scores 2",
      "4 | 5 | 0.5 | segment_score_invalid | segment_scores[0] is 0.5, neither 0 nor 1",
      "4 | 12 | 1 | segment_start_misaligned | segment_start_times[0] is 12, not a multiple "
          + "of the segment size 5",
      "4,4 | 0,15 | 1,1 | segment_start_beyond_frames | segment_start_times[1] is 15, past "
          + "the video's 12 frames kept",
      "4,10 | 0,5 | 1,0 | label_out_of_range | segment_labels[1] is 10, out of range [0, 10)"})
  void aVideoBreakingARatingRuleIsInvalidWithTheReason(String classes, String starts,
      String scores, String reason, String message) {
    byte[] bytes = rated(12, int64s(longs(classes)), int64s(longs(starts)),
        floats(floatsOf(scores)));
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> DECODER.decodeRatedVideo(bytes, bytes.length, 5));
    assertEquals(reason, e.reason().code());
    assertEquals("v", e.recordId());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aStartPastTheFramesKeptIsBeyondThem() {
    byte[] bytes = rated(12, int64s(4), int64s(10), floats(1f));
    InvalidRecordException e = assertThrows(InvalidRecordException.class,
        () -> new Yt8mDecoder(SPEC, 10, 8).decodeRatedVideo(bytes, bytes.length, 5));
    assertEquals(RejectReason.SEGMENT_START_BEYOND_FRAMES, e.reason());
  }

  @Test
  void recordsWithoutSegmentFieldsAreToldApart() throws Exception {
    byte[] plain = Yt8mDecoderFramesTest.sequence("p", new long[] {1}, "rgb", frames(3, 3))
        .toByteArray();
    assertFalse(DECODER.hasSegmentFields(plain, plain.length));
    FrameRecord frames = DECODER.decodeFrames(plain, plain.length);
    assertEquals(0, DECODER.decodeRatedVideo(plain, plain.length, 5).ratings().size(),
        "absent fields rate nothing, as the evaluation reads them: " + frames);
  }

  /** A video "v" of label 4 with {@code numFrames} frames of 3 bytes and the given ratings. */
  private static byte[] rated(int numFrames, org.tensorflow.proto.Feature classes,
      org.tensorflow.proto.Feature starts, org.tensorflow.proto.Feature scores) {
    SequenceExample example = Yt8mDecoderFramesTest.sequence("v", new long[] {4}, "rgb",
        frames(numFrames, 3));
    return example.toBuilder().setContext(example.getContext().toBuilder()
        .putFeature("segment_labels", classes)
        .putFeature("segment_start_times", starts)
        .putFeature("segment_scores", scores)).build().toByteArray();
  }

  private static long[] longs(String list) {
    return java.util.Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private static float[] floatsOf(String list) {
    String[] parts = list.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i]);
    }
    return values;
  }
}
