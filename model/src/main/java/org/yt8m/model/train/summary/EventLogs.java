package org.yt8m.model.train.summary;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import org.yt8m.model.io.CorruptRecordException;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.TfRecordWriter;

/**
 * The event files of one log directory as TensorBoard sees them: every file whose name contains
 * {@code tfevents} (its {@code io_wrapper.IsTensorFlowEventsFile}), in name order, subfolders
 * being other runs.
 *
 * <p>A run that resumes from a checkpoint at step S calls {@link #truncateAfter} before opening
 * its {@link EventFileWriter}: the steps after S that the interrupted run had logged are dropped,
 * so across the directory's files each step appears once, as the resumed run writes them again.
 *
 * <p>A record cut short at the end of a file is what a writer still writing, or one killed
 * mid-write, leaves: reading stops before it, as TensorBoard's loaders do, and truncation drops
 * it. Anything else (a checksum mismatch, a record that is not an {@code Event}) is an error
 * naming the file and the record.
 */
public final class EventLogs {
  private static final String MARKER = "tfevents";

  private EventLogs() {}

  /** Whether TensorBoard reads a file named {@code name} as events. */
  public static boolean isEventFile(String name) {
    return name.contains(MARKER);
  }

  /** The event files directly in {@code dir} in name order; none when it does not exist. */
  public static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.list(dir)) {
      return paths
          .filter(p -> isEventFile(p.getFileName().toString()) && Files.isRegularFile(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /** Every event of every file in {@code dir}, files in name order, each file's in its order. */
  public static List<Event> read(Path dir) throws IOException {
    List<Event> events = new ArrayList<>();
    for (Path file : files(dir)) {
      events.addAll(scan(file).events());
    }
    return events;
  }

  /** Every {@code simple_value} in {@code dir}, in the order {@link #read} gives the events. */
  public static List<ScalarPoint> scalars(Path dir) throws IOException {
    List<ScalarPoint> points = new ArrayList<>();
    for (Event event : read(dir)) {
      for (Summary.Value value : event.getSummary().getValueList()) {
        if (value.hasSimpleValue()) {
          points.add(new ScalarPoint(event.getStep(), value.getTag(), value.getSimpleValue()));
        }
      }
    }
    return points;
  }

  /**
   * Drops, from every event file in {@code dir}, the events at steps after {@code step} (never a
   * {@code file_version} event) and a record cut short at a file's end. A file that loses
   * something is rewritten whole beside itself and renamed over the original, so a crash leaves
   * either file; the others are not touched. No writer may be writing to {@code dir} meanwhile.
   *
   * @return the number of records dropped
   */
  public static int truncateAfter(Path dir, long step) throws IOException {
    int dropped = 0;
    for (Path file : files(dir)) {
      Scan scan = scan(file);
      int droppedHere = scan.torn() ? 1 : 0;
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      try (TfRecordWriter writer = new TfRecordWriter(kept)) {
        for (int i = 0; i < scan.events().size(); i++) {
          Event event = scan.events().get(i);
          if (event.getStep() > step && !event.hasFileVersion()) {
            droppedHere++;
          } else {
            writer.write(scan.records().get(i));
          }
        }
      }
      if (droppedHere > 0) {
        replace(file, kept.toByteArray());
        dropped += droppedHere;
      }
    }
    return dropped;
  }

  /** A file's whole records with their events, and whether a cut-short record followed them. */
  private record Scan(List<byte[]> records, List<Event> events, boolean torn) {}

  private static Scan scan(Path file) throws IOException {
    List<byte[]> records = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    EndAwareStream in = new EndAwareStream(new BufferedInputStream(Files.newInputStream(file)));
    try (TfRecordReader reader = new TfRecordReader(file.toString(), in)) {
      while (true) {
        try {
          if (!reader.next()) {
            return new Scan(records, events, false);
          }
        } catch (CorruptRecordException e) {
          // The reader wanted bytes past the end: a cut-short record, not a corrupt one.
          if (in.ended) {
            return new Scan(records, events, true);
          }
          throw e;
        }
        byte[] record = Arrays.copyOf(reader.buffer(), reader.length());
        try {
          events.add(Event.parseFrom(record));
        } catch (InvalidProtocolBufferException e) {
          throw new CorruptRecordException(file + ": record " + reader.recordIndex()
              + " at byte offset " + reader.recordOffset() + ": not an Event proto ("
              + e.getMessage() + ")");
        }
        records.add(record);
      }
    }
  }

  private static void replace(Path file, byte[] contents) throws IOException {
    // No "tfevents" in the name: TensorBoard must not read the copy while it is being written.
    Path temp = file.resolveSibling(".truncating-" + UUID.randomUUID());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(contents);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException deleting) {
        e.addSuppressed(deleting);
      }
      throw e;
    }
  }

  /** Remembers whether a read met the end of the stream. */
  private static final class EndAwareStream extends FilterInputStream {
    boolean ended;

    EndAwareStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      ended |= n < 0;
      return n;
    }
  }
}
