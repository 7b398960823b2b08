package org.yt8m.model.train.summary;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;
import org.yt8m.model.io.TfRecordWriter;

/**
 * Writes one TensorFlow event file that TensorBoard reads: TFRecord-framed {@code Event} protos,
 * first {@code file_version = "brain.Event:2"}, then one event per {@link #scalars} call holding a
 * {@code Summary.Value{tag, simple_value}} per entry, the form TF1's {@code tf.summary.scalar}
 * wrote. No TensorFlow session is needed.
 *
 * <p>The file is {@code events.out.tfevents.<unix seconds, 10 digits>.<hostname>}, TensorFlow's
 * name ({@code EventsWriter::InitIfNeeded} in tensorflow/core/util/events_writer.cc). TensorFlow
 * opens it with truncation, so a second writer in the same second and directory overwrites the
 * first (its own writer_test sleeps a second to get a new name); TensorBoard's Python writer
 * appends {@code .<pid>.<counter>} instead (tensorboard/summary/writer/event_file_writer.py). Here
 * the file is created exclusively and a taken name gets a counter, {@code .01} to {@code .99}, so
 * that names still sort in creation order: TensorBoard reads a run's files in lexicographic order
 * and its default loader only ever moves on to a greater name, reading nothing written to an
 * earlier one after that (DirectoryWatcher in tensorboard/backend/event_processing); the Rust
 * data server also reads them sorted by name (RunLoader in tensorboard/data/server/run.rs).
 *
 * <p>Each event is framed in memory and handed to the operating system in one write as it is
 * added, so a live TensorBoard sees it at once and a killed process leaves whole records;
 * {@link #flush} also forces them to the storage device. Not thread-safe.
 */
public final class EventFileWriter implements AutoCloseable {
  private static final String PREFIX = "events.out.tfevents.";
  /** What TensorFlow writes first: {@code kVersionPrefix} and {@code kCurrentVersion}. */
  private static final String FILE_VERSION = "brain.Event:2";
  private static final int MAX_COUNTER = 99;

  private final Path file;
  private final FileChannel channel;
  private final ByteArrayOutputStream record = new ByteArrayOutputStream();
  private final TfRecordWriter framing = new TfRecordWriter(record);
  private final Clock clock;
  private long lastStep = Long.MIN_VALUE;
  private boolean closed;

  private EventFileWriter(Path file, FileChannel channel, Clock clock) {
    this.file = file;
    this.channel = channel;
    this.clock = clock;
  }

  /** A new event file in {@code dir} (created if absent), wall times from the system clock. */
  public static EventFileWriter open(Path dir) throws IOException {
    return open(dir, Clock.systemUTC());
  }

  /** A new event file in {@code dir} (created if absent), wall times from {@code clock}. */
  public static EventFileWriter open(Path dir, Clock clock) throws IOException {
    return open(dir, clock, localHostname());
  }

  static EventFileWriter open(Path dir, Clock clock, String hostname) throws IOException {
    Files.createDirectories(dir);
    Instant now = clock.instant();
    String name = PREFIX + String.format(Locale.ROOT, "%010d.", now.getEpochSecond()) + hostname;
    for (int counter = 0; counter <= MAX_COUNTER; counter++) {
      String numbered = counter == 0 ? name : name + String.format(Locale.ROOT, ".%02d", counter);
      Path file = dir.resolve(numbered);
      FileChannel channel;
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        continue;
      }
      EventFileWriter writer = new EventFileWriter(file, channel, clock);
      try {
        writer.write(Event.newBuilder().setWallTime(seconds(now)).setFileVersion(FILE_VERSION));
        writer.flush();
      } catch (IOException | RuntimeException e) {
        try {
          writer.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
      return writer;
    }
    throw new IOException("cannot create an event file in " + dir + ": " + name + " and its "
        + MAX_COUNTER + " numbered variants all exist");
  }

  /** The file this writer writes. */
  public Path file() {
    return file;
  }

  /**
   * Writes one event at {@code step} holding each entry as a {@code simple_value} (a float32, as
   * summary.proto defines it), in the map's iteration order.
   *
   * @throws IllegalArgumentException when {@code values} is empty or {@code step} is not greater
   *     than the step of the previous call: a step is written once, with all its values
   */
  public void scalars(long step, Map<String, Double> values) throws IOException {
    checkArgument(!values.isEmpty(), "no scalars to write at step %s", step);
    checkArgument(step > lastStep, "step %s written after step %s in %s", step, lastStep, file);
    Summary.Builder summary = Summary.newBuilder();
    for (Map.Entry<String, Double> entry : values.entrySet()) {
      checkArgument(!entry.getKey().isEmpty(), "empty tag at step %s", step);
      summary.addValue(Summary.Value.newBuilder().setTag(entry.getKey())
          .setSimpleValue(entry.getValue().floatValue()));
    }
    write(Event.newBuilder().setWallTime(seconds(clock.instant())).setStep(step)
        .setSummary(summary));
    lastStep = step;
  }

  /**
   * Writes a {@code SessionLog} START at {@code firstStep}, the first step this run will write,
   * as TensorFlow's Supervisor and SummarySaverHook do when a session starts. A TensorBoard that
   * is reading while a run resumes drops the points it holds at steps {@code >= firstStep} when it
   * sees a START after the first one (EventAccumulator._CheckForRestartAndMaybePurge: with
   * file_version 2 it purges on START only), so call it in every run, the first included.
   */
  public void sessionStart(long firstStep) throws IOException {
    write(Event.newBuilder().setWallTime(seconds(clock.instant())).setStep(firstStep)
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)));
  }

  /** Forces the events written so far to the storage device. */
  public void flush() throws IOException {
    checkState(!closed, "%s is closed", file);
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      channel.close();
    }
  }

  private void write(Event.Builder event) throws IOException {
    checkState(!closed, "%s is closed", file);
    record.reset();
    framing.write(event.build().toByteArray());
    ByteBuffer bytes = ByteBuffer.wrap(record.toByteArray());
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  /** TensorFlow names files by {@code gethostname()}; Java's nearest is the local host's name. */
  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
