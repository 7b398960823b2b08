package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.transforms.coders.IntArrays;

/** Encodes {@link VideoPredictions}: id, labels, ranked classes, scores as raw float32s. */
public final class VideoPredictionsCoder extends AtomicCoder<VideoPredictions> {
  private static final VideoPredictionsCoder INSTANCE = new VideoPredictionsCoder();

  private VideoPredictionsCoder() {}

  public static VideoPredictionsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(VideoPredictions value, OutputStream out) throws IOException {
    StringUtf8Coder.of().encode(value.id(), out);
    IntArrays.writeSorted(value.labels(), out);
    VarInt.encode(value.ranked().length, out);
    for (int i = 0; i < value.ranked().length; i++) {
      VarInt.encode(value.ranked()[i], out);
      VarInt.encode(Float.floatToRawIntBits(value.scores()[i]), out);
    }
  }

  @Override
  public VideoPredictions decode(InputStream in) throws IOException {
    String id = StringUtf8Coder.of().decode(in);
    int[] labels = IntArrays.readSorted(in);
    int count = VarInt.decodeInt(in);
    int[] ranked = new int[count];
    float[] scores = new float[count];
    for (int i = 0; i < count; i++) {
      ranked[i] = VarInt.decodeInt(in);
      scores[i] = Float.intBitsToFloat(VarInt.decodeInt(in));
    }
    return new VideoPredictions(id, labels, ranked, scores);
  }

  @Override
  public void verifyDeterministic() {}
}
