package org.yt8m.model.train.summary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yt8m.model.train.summary.EventFileWriterTest.T;
import static org.yt8m.model.train.summary.EventFileWriterTest.clockAt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import org.yt8m.model.io.CorruptRecordException;
import org.yt8m.model.io.TfRecordWriter;

class EventLogsTest {
  private static final FileTime LONG_AGO = FileTime.fromMillis(1_000_000_000_000L);

  @TempDir Path dir;

  @Test
  void truncateAfterDropsExactlyTheLaterSteps() throws IOException {
    Path file = write(T, 1, 10);
    byte[] before = Files.readAllBytes(file);

    assertEquals(4, EventLogs.truncateAfter(dir, 6));

    assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), steps(dir));
    assertEquals("brain.Event:2", EventLogs.read(dir).get(0).getFileVersion());
    byte[] after = Files.readAllBytes(file);
    // The kept records are the original bytes: the file was cut after step 6, nothing rewritten.
    assertArrayEquals(Arrays.copyOf(before, after.length), after);
    assertEquals(List.of(file), EventLogs.files(dir));
  }

  @Test
  void filesWithoutLaterStepsAreNotTouched() throws IOException {
    Path early = write(T, 1, 5);
    Path late = write(T.plusSeconds(60), 6, 10);
    Files.setLastModifiedTime(early, LONG_AGO);
    Files.setLastModifiedTime(late, LONG_AGO);
    byte[] earlyBytes = Files.readAllBytes(early);
    byte[] lateBytes = Files.readAllBytes(late);

    assertEquals(0, EventLogs.truncateAfter(dir, 10));
    assertEquals(LONG_AGO, Files.getLastModifiedTime(late));
    assertArrayEquals(lateBytes, Files.readAllBytes(late));

    assertEquals(3, EventLogs.truncateAfter(dir, 7));
    assertEquals(LONG_AGO, Files.getLastModifiedTime(early));
    assertArrayEquals(earlyBytes, Files.readAllBytes(early));
    assertEquals(LongStream.rangeClosed(1, 7).boxed().toList(), steps(dir));
  }

  @Test
  void aResumedRunLogsEachStepOnce() throws IOException {
    // The first run logs steps 1..10, checkpoints at 6 and dies after logging step 10.
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      writer.sessionStart(1);
      for (long step = 1; step <= 10; step++) {
        writer.scalars(step, Map.of("loss", (double) step));
      }
    }
    // The resumed run continues from the checkpoint at step 6.
    assertEquals(4, EventLogs.truncateAfter(dir, 6));
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T.plusSeconds(30)), "host")) {
      writer.sessionStart(7);
      for (long step = 7; step <= 12; step++) {
        writer.scalars(step, Map.of("loss", step + 0.5));
      }
    }

    assertEquals(2, EventLogs.files(dir).size());
    List<ScalarPoint> points = EventLogs.scalars(dir);
    assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(),
        points.stream().map(ScalarPoint::step).toList());
    for (ScalarPoint point : points) {
      assertEquals(point.step() <= 6 ? point.step() : point.step() + 0.5f, point.value(),
          "step " + point.step());
    }
    assertEquals(List.of(1L, 7L), EventLogs.read(dir).stream()
        .filter(Event::hasSessionLog).map(Event::getStep).toList());
  }

  @Test
  void aRecordCutShortAtTheEndIsSkippedByReadingAndDroppedByTruncation() throws IOException {
    Path file = write(T, 1, 3);
    byte[] whole = Files.readAllBytes(file);
    byte[] expected = Files.readAllBytes(write(dir.resolve("expected"), T, 1, 2));
    // A crash in the middle of writing step 3's record.
    Files.write(file, Arrays.copyOf(whole, whole.length - 5));

    assertEquals(List.of(1L, 2L), steps(dir));
    assertEquals(1, EventLogs.truncateAfter(dir, 100));
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  @Test
  void aChecksumMismatchNamesTheFileAndRecord() throws IOException {
    Path file = write(T, 1, 3);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 6] ^= 1; // inside the data of the last record, step 3's
    Files.write(file, bytes);

    CorruptRecordException e = assertThrows(CorruptRecordException.class,
        () -> EventLogs.read(dir));
    assertTrue(e.getMessage().startsWith(file + ": record 3 at byte offset "), e.getMessage());
    assertTrue(e.getMessage().endsWith(": data checksum mismatch"), e.getMessage());
    assertThrows(CorruptRecordException.class, () -> EventLogs.truncateAfter(dir, 1));
    assertArrayEquals(bytes, Files.readAllBytes(file));
  }

  @Test
  void aRecordThatIsNotAnEventNamesTheFileAndRecord() throws IOException {
    Path file = dir.resolve("events.out.tfevents.1700000000.other");
    try (OutputStream out = Files.newOutputStream(file);
        TfRecordWriter writer = new TfRecordWriter(out)) {
      writer.write(Event.newBuilder().setFileVersion("brain.Event:2").build().toByteArray());
      writer.write(new byte[] {(byte) 0xff}); // a tag whose varint never ends
    }
    CorruptRecordException e = assertThrows(CorruptRecordException.class,
        () -> EventLogs.read(dir));
    assertTrue(e.getMessage().startsWith(file + ": record 1 at byte offset 31: not an Event "
        + "proto"), e.getMessage());
  }

  @Test
  void aFileVersionEventIsKeptWhateverItsStep() throws IOException {
    // PyTorch's SummaryWriter(purge_step=8) writes its file_version event at step 8.
    try (OutputStream out = Files.newOutputStream(dir.resolve("events.out.tfevents.1.torch"));
        TfRecordWriter writer = new TfRecordWriter(out)) {
      writer.write(Event.newBuilder().setStep(8).setFileVersion("brain.Event:2").build()
          .toByteArray());
      writer.write(Event.newBuilder().setStep(9).setSummary(Summary.newBuilder().addValue(
          Summary.Value.newBuilder().setTag("loss").setSimpleValue(1f))).build().toByteArray());
    }
    assertEquals(1, EventLogs.truncateAfter(dir, 5));
    List<Event> events = EventLogs.read(dir);
    assertEquals(1, events.size());
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
  }

  @Test
  void readsOnlyTheEventFilesOfTheDirectoryItself() throws IOException {
    assertEquals(List.of(), EventLogs.read(dir.resolve("absent")));
    assertEquals(0, EventLogs.truncateAfter(dir.resolve("absent"), 0));
    Files.writeString(dir.resolve("checkpoint"), "model_checkpoint_path: \"model.ckpt-6\"\n");
    write(T, 1, 2);
    try (EventFileWriter eval = EventFileWriter.open(dir.resolve("eval"), clockAt(T), "host")) {
      eval.scalars(9, Map.of("gap", 0.5));
    }

    assertEquals(List.of(1L, 2L), steps(dir));
    assertEquals(List.of(new ScalarPoint(9, "gap", 0.5f)), EventLogs.scalars(dir.resolve("eval")));
    assertEquals(0, EventLogs.truncateAfter(dir, 5));
  }

  /** Writes steps {@code first..last} of "loss" (value: the step) in a new file. */
  private Path write(Instant now, long first, long last) throws IOException {
    return write(dir, now, first, last);
  }

  private static Path write(Path dir, Instant now, long first, long last) throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(now), "host")) {
      for (long step = first; step <= last; step++) {
        writer.scalars(step, Map.of("loss", (double) step));
      }
      return writer.file();
    }
  }

  private static List<Long> steps(Path dir) throws IOException {
    return EventLogs.scalars(dir).stream().map(ScalarPoint::step).toList();
  }
}
