package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
    RankingCoding.write(value.ranked(), value.scores(), out);
  }

  @Override
  public VideoPredictions decode(InputStream in) throws IOException {
    String id = StringUtf8Coder.of().decode(in);
    int[] labels = IntArrays.readSorted(in);
    return RankingCoding.read(in, (ranked, scores) -> new VideoPredictions(id, labels, ranked,
        scores));
  }

  @Override
  public void verifyDeterministic() {}
}
