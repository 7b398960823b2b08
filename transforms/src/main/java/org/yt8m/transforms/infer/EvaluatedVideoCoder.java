package org.yt8m.transforms.infer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.yt8m.transforms.eval.VideoPredictionsCoder;

/** Encodes an {@link EvaluatedVideo}: its predictions, then its loss as a float32. */
public final class EvaluatedVideoCoder extends AtomicCoder<EvaluatedVideo> {
  private static final EvaluatedVideoCoder INSTANCE = new EvaluatedVideoCoder();

  private EvaluatedVideoCoder() {}

  public static EvaluatedVideoCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(EvaluatedVideo value, OutputStream out) throws IOException {
    VideoPredictionsCoder.of().encode(value.predictions(), out);
    FloatCoder.of().encode(value.loss(), out);
  }

  @Override
  public EvaluatedVideo decode(InputStream in) throws IOException {
    return new EvaluatedVideo(VideoPredictionsCoder.of().decode(in), FloatCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
