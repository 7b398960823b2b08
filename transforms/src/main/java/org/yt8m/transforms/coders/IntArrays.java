package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Sorted non-negative int arrays (labels) as a count and varint gaps; also the coder of
 * them (a {@code Coder}), for label arrays keyed by video id.
 */
public final class IntArrays extends AtomicCoder<int[]> {
  private static final IntArrays INSTANCE = new IntArrays();

  private IntArrays() {}

  /** The coder of sorted label arrays. */
  public static IntArrays sortedCoder() {
    return INSTANCE;
  }

  /** Writes {@code values}, sorted ascending and non-negative, as varint gaps. */
  public static void writeSorted(int[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    int previous = 0;
    for (int value : values) {
      VarInt.encode(value - previous, out);
      previous = value;
    }
  }

  /** Reads what {@link #writeSorted} wrote. */
  public static int[] readSorted(InputStream in) throws IOException {
    int[] values = new int[VarInt.decodeInt(in)];
    int previous = 0;
    for (int i = 0; i < values.length; i++) {
      previous += VarInt.decodeInt(in);
      values[i] = previous;
    }
    return values;
  }

  @Override
  public void encode(int[] values, OutputStream out) throws IOException {
    writeSorted(values, out);
  }

  @Override
  public int[] decode(InputStream in) throws IOException {
    return readSorted(in);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return false;
  }
}
