package org.yt8m.transforms.eval;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.metrics.ScoreCounts;

/**
 * Encodes {@link ScoreCounts} compacted: per distinct score, its 4 bytes and two varint counts,
 * assembled in one array and written with one call (runners hand coders streams where every
 * single-byte write is a virtual call and a capacity check: with millions of entries that was
 * most of the evaluation's time on the DirectRunner).
 */
public final class ScoreCountsCoder extends AtomicCoder<ScoreCounts> {
  private static final ScoreCountsCoder INSTANCE = new ScoreCountsCoder();
  private static final int MAX_ENTRY_BYTES = 4 + 2 * 10;

  private ScoreCountsCoder() {}

  public static ScoreCountsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ScoreCounts counts, OutputStream out) throws IOException {
    counts.compact();
    byte[] bytes = new byte[counts.size() * MAX_ENTRY_BYTES];
    int length = 0;
    for (int i = 0; i < counts.size(); i++) {
      int bits = Float.floatToIntBits(counts.score(i));
      bytes[length++] = (byte) (bits >>> 24);
      bytes[length++] = (byte) (bits >>> 16);
      bytes[length++] = (byte) (bits >>> 8);
      bytes[length++] = (byte) bits;
      length = putVarLong(bytes, length, counts.positives(i));
      length = putVarLong(bytes, length, counts.count(i));
    }
    VarInt.encode(counts.size(), out);
    VarInt.encode(length, out);
    out.write(bytes, 0, length);
  }

  @Override
  public ScoreCounts decode(InputStream in) throws IOException {
    int size = VarInt.decodeInt(in);
    byte[] bytes = new byte[VarInt.decodeInt(in)];
    new DataInputStream(in).readFully(bytes);
    ScoreCounts counts = new ScoreCounts(size);
    int[] position = {0};
    for (int i = 0; i < size; i++) {
      int p = position[0];
      int bits = (bytes[p] & 0xff) << 24 | (bytes[p + 1] & 0xff) << 16
          | (bytes[p + 2] & 0xff) << 8 | (bytes[p + 3] & 0xff);
      position[0] = p + 4;
      long positives = getVarLong(bytes, position);
      counts.add(Float.intBitsToFloat(bits), positives, getVarLong(bytes, position));
    }
    return counts.compact();
  }

  private static int putVarLong(byte[] bytes, int position, long value) {
    while ((value & ~0x7FL) != 0) {
      bytes[position++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes[position++] = (byte) value;
    return position;
  }

  private static long getVarLong(byte[] bytes, int[] position) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position[0] >= bytes.length) {
        throw new IOException("ScoreCounts ended inside a count");
      }
      byte b = bytes[position[0]++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IOException("malformed count in ScoreCounts");
  }

  @Override
  public void verifyDeterministic() {}
}
