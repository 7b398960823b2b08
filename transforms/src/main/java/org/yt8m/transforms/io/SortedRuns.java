package org.yt8m.transforms.io;

import com.google.common.io.CountingInputStream;
import com.google.common.io.CountingOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Sorted runs of entries in files, and their merge: an external sort in bounded memory, for
 * outputs that must be sorted whole but may not be held whole (the lines of a file,
 * {@link WriteSortedLines}; the records of a shuffled shard, {@code ShuffleIntoShards}). A run
 * is a file of entries in order, each written by a {@link Format} that delimits it (a length,
 * then bytes); what is merged is {@link RunSlice}s, byte ranges of runs on entry boundaries,
 * so that a run sorted once may feed several outputs, each reading only its part.
 *
 * <p>Merging reads every slice once, sequentially, a buffer's worth at a time; more slices than
 * {@link #FAN_IN} are first merged in groups into longer runs (removed once merged), so that no
 * more than that many files are open at once. A slice whose file ends early fails the merge
 * with an error naming the file and the byte.
 */
public final class SortedRuns {
  /** The most slices read at once. */
  public static final int FAN_IN = 64;
  private static final int BUFFER_BYTES = 1 << 16;

  private SortedRuns() {}

  /** How an entry is written into a run and read back; an entry delimits itself. */
  public interface Format<E> {
    void write(E entry, DataOutput out) throws IOException;

    /** The next entry; an {@link EOFException} when the bytes end before or inside it. */
    E read(DataInput in) throws IOException;
  }

  /** What receives the merged entries, in order. */
  @FunctionalInterface
  public interface Sink<E> {
    void accept(E entry) throws IOException;
  }

  /** A new run at {@code path}, to be given entries in order. */
  public static <E> Writer<E> create(String path, Format<E> format) throws IOException {
    return new Writer<>(path, format);
  }

  /**
   * Merges {@code slices} in {@code order} into {@code sink}; more than {@link #FAN_IN} slices
   * are merged in groups first, into runs at {@code scratch}'s paths.
   */
  public static <E> void merge(List<RunSlice> slices, Format<E> format,
      Comparator<? super E> order, Supplier<String> scratch, Sink<? super E> sink)
      throws IOException {
    List<RunSlice> runs = slices;
    List<RunSlice> merged = List.of();
    while (runs.size() > FAN_IN) {
      List<RunSlice> longer = new ArrayList<>();
      for (int from = 0; from < runs.size(); from += FAN_IN) {
        try (Writer<E> run = create(scratch.get(), format)) {
          mergeGroup(runs.subList(from, Math.min(runs.size(), from + FAN_IN)), format, order,
              run::add);
          longer.add(run.written());
        }
      }
      delete(merged);
      merged = longer;
      runs = longer;
    }
    mergeGroup(runs, format, order, sink);
    delete(merged);
  }

  private static <E> void mergeGroup(List<RunSlice> slices, Format<E> format,
      Comparator<? super E> order, Sink<? super E> sink) throws IOException {
    PriorityQueue<Cursor<E>> heads = new PriorityQueue<>(Math.max(1, slices.size()),
        (a, b) -> order.compare(a.entry, b.entry));
    List<Cursor<E>> open = new ArrayList<>();
    try {
      for (RunSlice slice : slices) {
        Cursor<E> cursor = new Cursor<>(slice, format);
        open.add(cursor);
        if (cursor.advance()) {
          heads.add(cursor);
        }
      }
      while (!heads.isEmpty()) {
        Cursor<E> first = heads.poll();
        sink.accept(first.entry);
        if (first.advance()) {
          heads.add(first);
        }
      }
    } finally {
      for (Cursor<E> cursor : open) {
        cursor.close();
      }
    }
  }

  private static void delete(List<RunSlice> runs) throws IOException {
    FileSystems.delete(runs.stream()
        .map(run -> FileSystems.matchNewResource(run.path(), false)).toList(),
        StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** A run being written: entries in order, and the byte at which the next one starts. */
  public static final class Writer<E> implements AutoCloseable {
    private final String path;
    private final Format<E> format;
    private final CountingOutputStream counting;
    private final DataOutputStream out;

    private Writer(String path, Format<E> format) throws IOException {
      this.path = path;
      this.format = format;
      this.counting = new CountingOutputStream(new BufferedOutputStream(Channels.newOutputStream(
          FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.BINARY)),
          BUFFER_BYTES));
      this.out = new DataOutputStream(counting);
    }

    /** Appends {@code entry}, which must not come before the entries already added. */
    public void add(E entry) throws IOException {
      try {
        format.write(entry, out);
      } catch (IOException e) {
        throw new IOException("cannot write the sorted run " + path + ": " + e.getMessage(), e);
      }
    }

    /** The bytes written so far: where the next entry starts. */
    public long position() {
      return counting.getCount();
    }

    /** What was written so far, as a slice. */
    public RunSlice written() {
      return new RunSlice(path, 0, position());
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** A slice being read: its current entry, or none once it is done. */
  private static final class Cursor<E> {
    private final RunSlice slice;
    private final Format<E> format;
    private final CountingInputStream counting;
    private final DataInputStream in;
    E entry;

    Cursor(RunSlice slice, Format<E> format) throws IOException {
      this.slice = slice;
      this.format = format;
      ReadableByteChannel channel = FileSystems.open(
          FileSystems.matchNewResource(slice.path(), false));
      InputStream stream = Channels.newInputStream(channel);
      if (channel instanceof SeekableByteChannel seekable) {
        seekable.position(slice.from());
      } else {
        try {
          stream.skipNBytes(slice.from());
        } catch (EOFException e) {
          throw new IOException(message("ends before byte %d, where its slice starts",
              slice.from()), e);
        }
      }
      this.counting = new CountingInputStream(new BufferedInputStream(stream, BUFFER_BYTES));
      this.in = new DataInputStream(counting);
    }

    private long position() {
      return slice.from() + counting.getCount();
    }

    boolean advance() throws IOException {
      long at = position();
      entry = null;
      if (at == slice.to()) {
        return false;
      }
      try {
        entry = format.read(in);
      } catch (EOFException e) {
        if (position() > at) {
          throw new IOException(message("ends inside the entry at byte %d", at), e);
        }
        if (slice.to() == RunSlice.TO_END) {
          return false;
        }
        throw new IOException(message("has no entry at byte %d, inside its slice [%d, %d): "
            + "the file was cut short", at, slice.from(), slice.to()), e);
      } catch (IOException e) {
        throw new IOException(message("has a bad entry at byte %d: %s", at, e.getMessage()), e);
      }
      if (position() > slice.to()) {
        throw new IOException(message("has an entry from byte %d to %d, across the end of its "
            + "slice [%d, %d)", at, position(), slice.from(), slice.to()));
      }
      return true;
    }

    private String message(String format, Object... args) {
      return "the sorted run " + slice.path() + " " + String.format(Locale.ROOT, format, args);
    }

    void close() throws IOException {
      in.close();
    }
  }
}
