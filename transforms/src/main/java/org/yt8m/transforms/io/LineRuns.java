package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sorted runs of text lines ({@link SortedRuns}), how {@link WriteSortedLines} sorts a file of
 * any size in bounded memory: each line an entry of its UTF-8 length (4 bytes) and bytes, so
 * that a line may hold any character.
 */
final class LineRuns {
  /** A line as its UTF-8 length and bytes. */
  private static final SortedRuns.Format<String> LINES = new SortedRuns.Format<>() {
    @Override
    public void write(String line, DataOutput out) throws IOException {
      byte[] bytes = line.getBytes(UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    @Override
    public String read(DataInput in) throws IOException {
      int length = in.readInt();
      if (length < 0) {
        throw new IOException("a line of negative length " + length);
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      return new String(bytes, UTF_8);
    }
  };

  private LineRuns() {}

  /** Writes {@code sorted} (already in order) as the run {@code path}. */
  static void write(List<String> sorted, String path) throws IOException {
    try (SortedRuns.Writer<String> run = SortedRuns.create(path, LINES)) {
      for (String line : sorted) {
        run.add(line);
      }
    }
  }

  /**
   * Merges the runs {@code paths} in {@code order} into {@code sink}; more than
   * {@link SortedRuns#FAN_IN} runs are merged in groups first, into runs at {@code scratch}'s
   * paths.
   */
  static void merge(List<String> paths, Comparator<String> order, Supplier<String> scratch,
      SortedRuns.Sink<String> sink) throws IOException {
    SortedRuns.merge(paths.stream().map(RunSlice::whole).toList(), LINES, order, scratch, sink);
  }
}
