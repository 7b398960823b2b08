package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.transforms.coders.FrameRecordCoder;

/**
 * Cuts each frame-level video into segments scored as videos, as the starter's segment
 * inference does (inference.py {@code get_segments}): every {@code segmentFrames} (5) frames
 * from frame 0, the last one shorter when the video's frames do not divide evenly, each named
 * {@code <video id>:<start frame>} (the id a {@code Class,Segments} submission uses), without
 * labels. Counter {@code segments}.
 */
public final class SplitSegments extends PTransform<PCollection<FrameRecord>,
    PCollection<FrameRecord>> {
  private static final long serialVersionUID = 1L;

  /** The 2019 challenge's segment length. */
  public static final int SEGMENT_FRAMES = RatedVideo.SEGMENT_FRAMES;

  private final int segmentFrames;

  private SplitSegments(int segmentFrames) {
    this.segmentFrames = segmentFrames;
  }

  /** Segments of {@value #SEGMENT_FRAMES} frames. */
  public static SplitSegments create() {
    return new SplitSegments(SEGMENT_FRAMES);
  }

  /** Segments of this many frames. */
  public SplitSegments withSegmentFrames(int segmentFrames) {
    return new SplitSegments(segmentFrames);
  }

  @Override
  public PCollection<FrameRecord> expand(PCollection<FrameRecord> videos) {
    checkArgument(segmentFrames > 0, "segmentFrames must be positive, got %s", segmentFrames);
    return videos.apply("CutSegments", ParDo.of(new CutFn(segmentFrames)))
        .setCoder(FrameRecordCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("segmentFrames", segmentFrames).withLabel("Frames per segment"));
  }

  private static final class CutFn extends DoFn<FrameRecord, FrameRecord> {
    private static final long serialVersionUID = 1L;
    private static final int[] NO_LABELS = new int[0];
    private final int segmentFrames;
    private final Counter segments = Metrics.counter(SplitSegments.class, "segments");

    CutFn(int segmentFrames) {
      this.segmentFrames = segmentFrames;
    }

    @ProcessElement
    public void process(@Element FrameRecord video, OutputReceiver<FrameRecord> out) {
      int size = video.frameSize();
      byte[] frames = video.quantizedFrames();
      for (int start = 0; start < video.numFrames(); start += segmentFrames) {
        int count = Math.min(segmentFrames, video.numFrames() - start);
        out.output(FrameRecord.of(video.id() + ":" + start, NO_LABELS, count, size,
            Arrays.copyOfRange(frames, start * size, (start + count) * size)));
        segments.inc();
      }
    }
  }
}
