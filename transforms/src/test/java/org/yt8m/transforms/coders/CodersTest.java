package org.yt8m.transforms.coders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.transforms.io.DeadLetter;

class CodersTest {
  @Test
  void videoRecordRoundTrips() throws Exception {
    assertRoundTrip(VideoRecordCoder.of(),
        VideoRecord.of("vid", new int[] {0, 7, 3861}, new float[] {1.5f, -0f, Float.MIN_VALUE}));
    assertRoundTrip(VideoRecordCoder.of(), VideoRecord.of("", new int[0], new float[0]));
  }

  @Test
  void frameRecordRoundTrips() throws Exception {
    assertRoundTrip(FrameRecordCoder.of(),
        FrameRecord.of("f", new int[] {2}, 2, 3, new byte[] {0, 1, 2, (byte) 255, 4, 5}));
  }

  @Test
  void ratedVideoRoundTrips() throws Exception {
    FrameRecord frames = FrameRecord.of("r", new int[] {2}, 7, 1, new byte[7]);
    assertRoundTrip(RatedVideoCoder.of(), RatedVideo.of(frames, SegmentRatings.of("r",
        new int[] {2}, new int[] {2, 5}, new long[] {0, 5}, new float[] {1, 0}), 5));
  }

  @Test
  void deadLetterRoundTrips() throws Exception {
    assertRoundTrip(DeadLetterCoder.of(),
        DeadLetter.ofRecord("gs://b/train0001.tfrecord", 17, null, "malformed", "bad"));
    assertRoundTrip(DeadLetterCoder.of(),
        DeadLetter.ofRecord("x", 0, "id", "wrong_size", "feature mean_rgb has 3 values"));
  }

  @Test
  void recordCodersKnowTheirEncodedSizeWithoutEncoding() throws Exception {
    VideoRecord video = VideoRecord.of("vidé", new int[] {0, 200, 3861}, new float[1152]);
    assertSize(VideoRecordCoder.of(), video);
    FrameRecord frames = FrameRecord.of("f", new int[] {2}, 300, 1152, new byte[300 * 1152]);
    assertSize(FrameRecordCoder.of(), frames);
  }

  private static <T> void assertSize(Coder<T> coder, T value) throws Exception {
    long[] reported = new long[1];
    org.apache.beam.sdk.util.common.ElementByteSizeObserver observer =
        new org.apache.beam.sdk.util.common.ElementByteSizeObserver() {
          @Override
          protected void reportElementSize(long elementByteSize) {
            reported[0] = elementByteSize;
          }
        };
    coder.registerByteSizeObserver(value, observer);
    observer.advance();
    assertEquals(CoderUtils.encodeToByteArray(coder, value).length, reported[0]);
  }

  private static <T> void assertRoundTrip(Coder<T> coder, T value) throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(coder, value);
    assertEquals(value, CoderUtils.decodeFromByteArray(coder, bytes));
  }
}
