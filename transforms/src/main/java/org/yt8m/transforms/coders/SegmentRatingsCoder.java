package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.record.SegmentRatings;

/** Encodes {@link SegmentRatings}: id, labels, then (class, start, score bits) per cell. */
public final class SegmentRatingsCoder extends AtomicCoder<SegmentRatings> {
  private static final SegmentRatingsCoder INSTANCE = new SegmentRatingsCoder();

  private SegmentRatingsCoder() {}

  public static SegmentRatingsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(SegmentRatings value, OutputStream out) throws IOException {
    RecordCoding.writeId(value.id(), out);
    RecordCoding.writeLabels(value.labels(), out);
    VarInt.encode(value.size(), out);
    for (int i = 0; i < value.size(); i++) {
      VarInt.encode(value.segmentClass(i), out);
      VarInt.encode(value.startTime(i), out);
      VarInt.encode(Float.floatToIntBits(value.score(i)), out);
    }
  }

  @Override
  public SegmentRatings decode(InputStream in) throws IOException {
    String id = RecordCoding.readId(in);
    int[] labels = RecordCoding.readLabels(in);
    int size = VarInt.decodeInt(in);
    int[] classes = new int[size];
    long[] starts = new long[size];
    float[] scores = new float[size];
    for (int i = 0; i < size; i++) {
      classes[i] = VarInt.decodeInt(in);
      starts[i] = VarInt.decodeLong(in);
      scores[i] = Float.intBitsToFloat(VarInt.decodeInt(in));
    }
    return SegmentRatings.of(id, labels, classes, starts, scores);
  }

  @Override
  public void verifyDeterministic() {}
}
