package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The entries of a sorted run ({@link SortedRuns}) that lie in the bytes {@code [from, to)} of
 * the file {@code path}: a slice starts and ends on entry boundaries. {@link #TO_END} reads to
 * the end of the file. Small enough to shuffle in place of the entries it stands for.
 */
public record RunSlice(String path, long from, long to) {
  /** The {@code to} of a slice that reads to the end of its file, however long. */
  public static final long TO_END = Long.MAX_VALUE;

  public RunSlice {
    checkArgument(!path.isEmpty(), "a slice of no file");
    checkArgument(0 <= from && from <= to, "%s: bad slice [%s, %s)", path, from, to);
  }

  /** The whole run {@code path}. */
  public static RunSlice whole(String path) {
    return new RunSlice(path, 0, TO_END);
  }

  /** Encodes a {@link RunSlice} as its path and bounds. */
  public static final class Coder extends AtomicCoder<RunSlice> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RunSlice slice, OutputStream out) throws IOException {
      STRING.encode(slice.path(), out);
      LONG.encode(slice.from(), out);
      LONG.encode(slice.to(), out);
    }

    @Override
    public RunSlice decode(InputStream in) throws IOException {
      return new RunSlice(STRING.decode(in), LONG.decode(in), LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
