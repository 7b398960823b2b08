package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RatedVideo;

/** Encodes a {@link RatedVideo}: its segment size, frames, then ratings. */
public final class RatedVideoCoder extends AtomicCoder<RatedVideo> {
  private static final RatedVideoCoder INSTANCE = new RatedVideoCoder();

  private RatedVideoCoder() {}

  public static RatedVideoCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RatedVideo value, OutputStream out) throws IOException {
    VarInt.encode(value.segmentSize(), out);
    FrameRecordCoder.of().encode(value.frames(), out);
    SegmentRatingsCoder.of().encode(value.ratings(), out);
  }

  @Override
  public RatedVideo decode(InputStream in) throws IOException {
    int segmentSize = VarInt.decodeInt(in);
    try {
      return RatedVideo.of(FrameRecordCoder.of().decode(in), SegmentRatingsCoder.of().decode(in),
          segmentSize);
    } catch (InvalidRecordException e) {
      throw new CoderException("an encoded RatedVideo breaks the rating rules: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}
}
