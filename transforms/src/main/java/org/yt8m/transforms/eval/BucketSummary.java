package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One score bucket of one AP target (a class, or GAP): its positives and predictions, and once
 * known, its part of the AP sum.
 *
 * @param key the target and bucket, see {@link ApKeys}
 */
record BucketSummary(long key, long positives, long count, double partialSum) {

  /** Encodes a {@link BucketSummary} field by field. */
  static final class Coder extends AtomicCoder<BucketSummary> {
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final DoubleCoder DOUBLE = DoubleCoder.of();

    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(BucketSummary value, OutputStream out) throws IOException {
      LONG.encode(value.key(), out);
      LONG.encode(value.positives(), out);
      LONG.encode(value.count(), out);
      DOUBLE.encode(value.partialSum(), out);
    }

    @Override
    public BucketSummary decode(InputStream in) throws IOException {
      return new BucketSummary(LONG.decode(in), LONG.decode(in), LONG.decode(in),
          DOUBLE.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
