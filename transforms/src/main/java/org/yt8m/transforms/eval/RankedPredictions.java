package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One line of a predictions file: where it was, and its (class, score) pairs ranked best first,
 * ties by lower class.
 */
public record RankedPredictions(String file, long line, int[] ranked, float[] scores) {

  @Override
  public boolean equals(Object o) {
    return o instanceof RankedPredictions other && file.equals(other.file) && line == other.line
        && Arrays.equals(ranked, other.ranked) && Arrays.equals(scores, other.scores);
  }

  @Override
  public int hashCode() {
    return file.hashCode() * 31 + Long.hashCode(line);
  }

  @Override
  public String toString() {
    return file + " line " + line + ": " + Arrays.toString(ranked) + " "
        + Arrays.toString(scores);
  }

  /** Encodes {@link RankedPredictions}: file, line, then the ranking. */
  public static final class Coder extends AtomicCoder<RankedPredictions> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RankedPredictions value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.file(), out);
      VarLongCoder.of().encode(value.line(), out);
      RankingCoding.write(value.ranked(), value.scores(), out);
    }

    @Override
    public RankedPredictions decode(InputStream in) throws IOException {
      String file = StringUtf8Coder.of().decode(in);
      long line = VarLongCoder.of().decode(in);
      return RankingCoding.read(in, (ranked, scores) -> new RankedPredictions(file, line,
          ranked, scores));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
