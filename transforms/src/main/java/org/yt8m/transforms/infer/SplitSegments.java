package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.yt8m.transforms.io.ShardOutput;

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

  private static final int[] NO_LABELS = new int[0];

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

  /**
   * The same cutting done inside a read ({@code Yt8mIO.Read#through}), before a scoring stage
   * ({@link ScoreVideos#inRead}): so that no decoded video, hundreds of KB of frames each, is held
   * as an element (the DirectRunner runs every shard's read before any later step).
   */
  public ShardOutput<FrameRecord, FrameRecord> inRead() {
    checkArgument(segmentFrames > 0, "segmentFrames must be positive, got %s", segmentFrames);
    int frames = segmentFrames;
    Counter segments = Metrics.counter(SplitSegments.class, "segments");
    return new ShardOutput<>(FrameRecordCoder.of()) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<FrameRecord> open(Receiver<FrameRecord> out) {
        return new Sink<>() {
          @Override
          public void add(FrameRecord video) throws Exception {
            for (FrameRecord segment : cut(video, frames)) {
              out.output(segment);
              segments.inc();
            }
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /** {@code video}'s segments of {@code segmentFrames}, in order. */
  private static List<FrameRecord> cut(FrameRecord video, int segmentFrames) {
    int size = video.frameSize();
    byte[] frames = video.quantizedFrames();
    List<FrameRecord> segments = new ArrayList<>();
    for (int start = 0; start < video.numFrames(); start += segmentFrames) {
      int count = Math.min(segmentFrames, video.numFrames() - start);
      segments.add(FrameRecord.of(video.id() + ":" + start, NO_LABELS, count, size,
          Arrays.copyOfRange(frames, start * size, (start + count) * size)));
    }
    return segments;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("segmentFrames", segmentFrames).withLabel("Frames per segment"));
  }

  private static final class CutFn extends DoFn<FrameRecord, FrameRecord> {
    private static final long serialVersionUID = 1L;
    private final int segmentFrames;
    private final Counter segments = Metrics.counter(SplitSegments.class, "segments");

    CutFn(int segmentFrames) {
      this.segmentFrames = segmentFrames;
    }

    @ProcessElement
    public void process(@Element FrameRecord video, OutputReceiver<FrameRecord> out) {
      for (FrameRecord segment : cut(video, segmentFrames)) {
        out.output(segment);
        segments.inc();
      }
    }
  }
}
