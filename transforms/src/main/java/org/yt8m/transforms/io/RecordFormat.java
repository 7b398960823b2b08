package org.yt8m.transforms.io;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.coders.FrameRecordCoder;
import org.yt8m.transforms.coders.RatedVideoCoder;
import org.yt8m.transforms.coders.SegmentRatingsCoder;
import org.yt8m.transforms.coders.VideoRecordCoder;

/**
 * The level of a YouTube-8M read: how to decode a record of it, its coder, its default features.
 * One of {@link #VIDEO}, {@link #FRAMES}, {@link #SEGMENT_RATINGS} and
 * {@link #ratedVideos}.
 */
public abstract class RecordFormat<T extends Yt8mRecord> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Video-level {@code tf.train.Example}s. */
  public static final RecordFormat<VideoRecord> VIDEO = new RecordFormat<>() {
    private static final long serialVersionUID = 1L;

    @Override
    public VideoRecord decode(Yt8mDecoder decoder, byte[] data, int length)
        throws InvalidRecordException {
      return decoder.decodeVideo(data, length);
    }

    @Override
    public Coder<VideoRecord> coder() {
      return VideoRecordCoder.of();
    }

    @Override
    public FeatureSpec defaultFeatures() {
      return FeatureSpec.VIDEO_DEFAULT;
    }

    @Override
    public String toString() {
      return "video-level";
    }

    private Object readResolve() {
      return VIDEO;
    }
  };

  /** Frame-level {@code tf.train.SequenceExample}s. */
  public static final RecordFormat<FrameRecord> FRAMES = new RecordFormat<>() {
    private static final long serialVersionUID = 1L;

    @Override
    public FrameRecord decode(Yt8mDecoder decoder, byte[] data, int length)
        throws InvalidRecordException {
      return decoder.decodeFrames(data, length);
    }

    @Override
    public Coder<FrameRecord> coder() {
      return FrameRecordCoder.of();
    }

    @Override
    public FeatureSpec defaultFeatures() {
      return FeatureSpec.FRAME_DEFAULT;
    }

    @Override
    public String toString() {
      return "frame-level";
    }

    private Object readResolve() {
      return FRAMES;
    }
  };

  /** The rated segments of 2019 segment-rated frame-level {@code SequenceExample}s. */
  public static final RecordFormat<SegmentRatings> SEGMENT_RATINGS = new RecordFormat<>() {
    private static final long serialVersionUID = 1L;

    @Override
    public SegmentRatings decode(Yt8mDecoder decoder, byte[] data, int length)
        throws InvalidRecordException {
      return decoder.decodeSegmentRatings(data, length);
    }

    @Override
    public Coder<SegmentRatings> coder() {
      return SegmentRatingsCoder.of();
    }

    @Override
    public FeatureSpec defaultFeatures() {
      return FeatureSpec.FRAME_DEFAULT;
    }

    @Override
    public String toString() {
      return "segment ratings";
    }

    private Object readResolve() {
      return SEGMENT_RATINGS;
    }
  };

  /**
   * 2019 segment-rated frame-level {@code SequenceExample}s, frames and ratings together, their
   * ratings checked against the frames and segments of {@code segmentSize} ({@link RatedVideo}).
   */
  public static RecordFormat<RatedVideo> ratedVideos(int segmentSize) {
    return new RecordFormat<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public RatedVideo decode(Yt8mDecoder decoder, byte[] data, int length)
          throws InvalidRecordException {
        return decoder.decodeRatedVideo(data, length, segmentSize);
      }

      @Override
      public Coder<RatedVideo> coder() {
        return RatedVideoCoder.of();
      }

      @Override
      public FeatureSpec defaultFeatures() {
        return FeatureSpec.FRAME_DEFAULT;
      }

      @Override
      public String toString() {
        return "segment-rated frames (segments of " + segmentSize + ")";
      }
    };
  }

  private RecordFormat() {}

  /** Decodes one serialized record, {@code data[0, length)}. */
  public abstract T decode(Yt8mDecoder decoder, byte[] data, int length)
      throws InvalidRecordException;

  /** The coder of the records. */
  public abstract Coder<T> coder();

  /** The 2018 readers' features for this level. */
  public abstract FeatureSpec defaultFeatures();
}
