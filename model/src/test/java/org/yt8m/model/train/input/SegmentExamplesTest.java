package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedSegment;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.Yt8mRecord;

/** The per-segment example rule and the label weights of a batch of segments. */
class SegmentExamplesTest {
  @TempDir
  Path dir;

  private static final int SIZE = 2;
  private static final int CLASSES = 8;

  /**
   * A video of 12 frames of 2 bytes (frame f holds f, f) rated: start 5 class 2 positive and
   * class 7 negative, start 10 class 2 negative (a 2-frame last segment), start 0 class 3
   * rated negative and then positive.
   */
  private static RatedVideo video() throws Exception {
    byte[] frames = new byte[12 * SIZE];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = (byte) (i / SIZE);
    }
    return RatedVideo.of(FrameRecord.of("v", new int[] {2, 3}, 12, SIZE, frames),
        SegmentRatings.of("v", new int[] {2, 3}, new int[] {2, 7, 2, 3, 3},
            new long[] {5, 5, 10, 0, 0}, new float[] {1, 0, 0, 0, 1}), 5);
  }

  @Test
  void oneExamplePerRatedStartWithItsFramesAndRatedClasses() throws Exception {
    List<RatedSegment> segments = SegmentExamples.of(video());
    assertEquals(List.of("v:0", "v:5", "v:10"), segments.stream().map(RatedSegment::id)
        .toList());

    RatedSegment first = segments.get(0);
    assertArrayEquals(new int[] {3}, first.ratedClasses());
    assertArrayEquals(new int[] {3}, first.labels(), "a cell rated twice is positive if once");
    assertEquals(5, first.frames().numFrames());
    assertArrayEquals(new byte[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4},
        first.frames().quantizedFrames());

    RatedSegment second = segments.get(1);
    assertArrayEquals(new int[] {2, 7}, second.ratedClasses());
    assertArrayEquals(new int[] {2}, second.labels());
    assertEquals(5, second.frames().quantizedFrames()[0]);

    RatedSegment last = segments.get(2);
    assertArrayEquals(new int[] {2}, last.ratedClasses());
    assertArrayEquals(new int[0], last.labels(), "rated negative: no positive class");
    assertEquals(2, last.frames().numFrames(), "the video ends first");
    assertArrayEquals(new byte[] {10, 10, 11, 11}, last.frames().quantizedFrames());
  }

  @Test
  void aBatchOfSegmentsWeighsOnlyTheRatedClasses() throws Exception {
    List<RatedSegment> segments = SegmentExamples.of(video());
    Batch batch = new BatchAssembler(true, SIZE, CLASSES)
        .assemble(segments.toArray(Yt8mRecord[]::new), 3, 1);

    float[] weights = new float[3 * CLASSES];
    float[] labels = new float[3 * CLASSES];
    weights[3] = 1;
    labels[3] = 1;
    weights[CLASSES + 2] = 1;
    weights[CLASSES + 7] = 1;
    labels[CLASSES + 2] = 1;
    weights[2 * CLASSES + 2] = 1;
    assertArrayEquals(weights, batch.labelWeights());
    assertArrayEquals(labels, batch.labels());
    assertArrayEquals(new int[] {5, 5, 2}, batch.numFrames());
    assertEquals(5, batch.paddedFrames());
  }

  @Test
  void aSegmentSourceBatchesEveryRatedSegmentAndSkipsBrokenVideosByReason() throws Exception {
    Yt8mEncoder encoder = new Yt8mEncoder(FeatureSpec.parse("rgb", "2"));
    FrameRecord frames = video().frames();
    RatedVideo misaligned = RatedVideo.of(FrameRecord.of("w", frames.labels(), 12, SIZE,
        frames.quantizedFrames()), SegmentRatings.of("w", frames.labels(), new int[] {2},
        new long[] {7}, new float[] {1}), 1);
    Path file = dir.resolve("rated.tfrecord");
    try (TfRecordWriter writer = new TfRecordWriter(Files.newOutputStream(file))) {
      writer.write(encoder.encodeRatedVideo(video(), true));
      writer.write(encoder.encodeRatedVideo(misaligned, true));
    }
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.parse("rgb", "2"), CLASSES, 300);
    try (BatchSource source = BatchSource.builder(List.of(ShardSource.of(file)), decoder, true)
        .withSegments(5).withBatchSize(2).withReaderThreads(1).withShuffleBuffer(1).build()) {
      List<Batch> batches = TestShards.drain(source);
      assertEquals(List.of("v:0", "v:5", "v:10"), TestShards.ids(batches));
      assertEquals(Map.of(RejectReason.SEGMENT_START_MISALIGNED, 1L), source.skipped());
      assertEquals(3, source.recordsRead(), "examples, not videos");
      assertEquals(2 * CLASSES, batches.get(0).labelWeights().length);
    }
  }

  @Test
  void aBatchOfVideosHasNoLabelWeights() throws Exception {
    Batch batch = new BatchAssembler(true, SIZE, CLASSES)
        .assemble(new Yt8mRecord[] {video().frames()}, 1, 1);
    assertNull(batch.labelWeights(), "every class counts");
  }
}
