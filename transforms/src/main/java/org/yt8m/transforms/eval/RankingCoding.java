package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.util.VarInt;

/** How the coders here write a ranking: its length, then each class and its score's bits. */
final class RankingCoding {
  /** Builds a value from a decoded ranking. */
  @FunctionalInterface
  interface RankingFactory<T> {
    T create(int[] ranked, float[] scores);
  }

  private RankingCoding() {}

  static void write(int[] ranked, float[] scores, OutputStream out) throws IOException {
    VarInt.encode(ranked.length, out);
    for (int i = 0; i < ranked.length; i++) {
      VarInt.encode(ranked[i], out);
      VarInt.encode(Float.floatToRawIntBits(scores[i]), out);
    }
  }

  static <T> T read(InputStream in, RankingFactory<T> factory) throws IOException {
    int count = VarInt.decodeInt(in);
    int[] ranked = new int[count];
    float[] scores = new float[count];
    for (int i = 0; i < count; i++) {
      ranked[i] = VarInt.decodeInt(in);
      scores[i] = Float.intBitsToFloat(VarInt.decodeInt(in));
    }
    return factory.create(ranked, scores);
  }
}
