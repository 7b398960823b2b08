package org.yt8m.transforms.eval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.metrics.ScoreCounts;

/** Encodes {@link ScoreCounts} compacted: per distinct score, its bits and two varint counts. */
public final class ScoreCountsCoder extends AtomicCoder<ScoreCounts> {
  private static final ScoreCountsCoder INSTANCE = new ScoreCountsCoder();

  private ScoreCountsCoder() {}

  public static ScoreCountsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ScoreCounts counts, OutputStream out) throws IOException {
    counts.compact();
    VarInt.encode(counts.size(), out);
    DataOutputStream data = new DataOutputStream(out);
    for (int i = 0; i < counts.size(); i++) {
      data.writeInt(Float.floatToIntBits(counts.score(i)));
      VarInt.encode(counts.positives(i), out);
      VarInt.encode(counts.count(i), out);
    }
    data.flush();
  }

  @Override
  public ScoreCounts decode(InputStream in) throws IOException {
    int size = VarInt.decodeInt(in);
    DataInputStream data = new DataInputStream(in);
    ScoreCounts counts = new ScoreCounts();
    for (int i = 0; i < size; i++) {
      float score = Float.intBitsToFloat(data.readInt());
      counts.add(score, VarInt.decodeLong(in), VarInt.decodeLong(in));
    }
    return counts.compact();
  }

  @Override
  public void verifyDeterministic() {}
}
