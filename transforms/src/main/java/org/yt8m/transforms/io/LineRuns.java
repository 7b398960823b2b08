package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Sorted runs of text lines in files, and their merge: how {@link WriteSortedLines} sorts a file
 * of any size in bounded memory. A run is a file of lines in order, each as its UTF-8 length
 * (4 bytes) and bytes, so that a line may hold any character. Merging reads every run once, a
 * buffer's worth at a time; more runs than {@link #FAN_IN} are first merged in groups into
 * longer runs, so that no more than that many files are open at once.
 */
final class LineRuns {
  /** The most runs read at once. */
  static final int FAN_IN = 64;
  private static final int BUFFER_BYTES = 1 << 16;

  private LineRuns() {}

  /** What receives the merged lines, in order. */
  @FunctionalInterface
  interface LineSink {
    void accept(String line) throws IOException;
  }

  /** Writes {@code sorted} (already in order) as the run {@code path}. */
  static void write(List<String> sorted, String path) throws IOException {
    try (RunWriter run = new RunWriter(path)) {
      for (String line : sorted) {
        run.add(line);
      }
    }
  }

  /**
   * Merges the runs {@code paths} in {@code order} into {@code sink}; more than {@link #FAN_IN}
   * runs are merged in groups first, into runs at {@code scratch}'s paths.
   */
  static void merge(List<String> paths, Comparator<String> order, Supplier<String> scratch,
      LineSink sink) throws IOException {
    List<String> runs = paths;
    while (runs.size() > FAN_IN) {
      List<String> longer = new ArrayList<>();
      for (int from = 0; from < runs.size(); from += FAN_IN) {
        List<String> group = runs.subList(from, Math.min(runs.size(), from + FAN_IN));
        String merged = scratch.get();
        try (RunWriter run = new RunWriter(merged)) {
          mergeGroup(group, order, run::add);
        }
        longer.add(merged);
      }
      runs = longer;
    }
    mergeGroup(runs, order, sink);
  }

  private static void mergeGroup(List<String> paths, Comparator<String> order, LineSink sink)
      throws IOException {
    PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, paths.size()),
        (a, b) -> order.compare(a.line, b.line));
    List<Cursor> open = new ArrayList<>();
    try {
      for (String path : paths) {
        Cursor cursor = new Cursor(path);
        open.add(cursor);
        if (cursor.advance()) {
          heads.add(cursor);
        }
      }
      while (!heads.isEmpty()) {
        Cursor first = heads.poll();
        sink.accept(first.line);
        if (first.advance()) {
          heads.add(first);
        }
      }
    } finally {
      for (Cursor cursor : open) {
        cursor.close();
      }
    }
  }

  /** A run being written. */
  private static final class RunWriter implements AutoCloseable {
    private final String path;
    private final DataOutputStream out;

    RunWriter(String path) throws IOException {
      this.path = path;
      this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(
          FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.BINARY)),
          BUFFER_BYTES));
    }

    void add(String line) throws IOException {
      byte[] bytes = line.getBytes(UTF_8);
      try {
        out.writeInt(bytes.length);
        out.write(bytes);
      } catch (IOException e) {
        throw new IOException("cannot write the sorted run " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** A run being read: its current line, or none once it is done. */
  private static final class Cursor {
    private final String path;
    private final DataInputStream in;
    String line;

    Cursor(String path) throws IOException {
      this.path = path;
      this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(
          FileSystems.open(FileSystems.matchNewResource(path, false))), BUFFER_BYTES));
    }

    boolean advance() throws IOException {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException end) {
        line = null;
        return false;
      }
      byte[] bytes = new byte[length];
      try {
        in.readFully(bytes);
      } catch (EOFException e) {
        throw new IOException("the sorted run " + path + " ends inside a line", e);
      }
      line = new String(bytes, UTF_8);
      return true;
    }

    void close() throws IOException {
      in.close();
    }
  }
}
