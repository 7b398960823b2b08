package org.yt8m.model.train.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;
import org.yt8m.model.io.TfRecordReader;

class EventFileWriterTest {
  /** 2023-11-14T22:13:20.5Z. */
  static final Instant T = Instant.ofEpochSecond(1_700_000_000L, 500_000_000);

  /**
   * The whole file of a writer opened at {@link #T} that wrote {@code loss = 0.25} at step 3:
   * the framed {@code Event{wall_time: 1700000000.5, file_version: "brain.Event:2"}}, then the
   * framed {@code Event{wall_time: 1700000000.5, step: 3, summary {value {tag: "loss",
   * simple_value: 0.25}}}}. Computed apart from this code by a Python 3 script using only the
   * standard library: the Event bytes assembled by hand from the field numbers of
   * tensorflow/core/util/event.proto (wall_time 1, double; step 2, varint; file_version 3;
   * summary 5) and tensorflow/core/framework/summary.proto (Summary.value 1; Value.tag 1,
   * Value.simple_value 2, float) with {@code struct.pack}, and the framing's checksums by a
   * bit-at-a-time CRC-32C (polynomial 0x82F63B78, which gives the standard check value e3069283
   * for "123456789") masked as the TFRecord reference masks it.
   */
  private static final String GOLDEN_FILE =
      "1800000000000000" + "a37f4b22"
          + "0900002040fc54d9411a0d627261696e2e4576656e743a32" + "2b353110"
          + "1a00000000000000" + "129bd82d"
          + "0900002040fc54d94110032a0d0a0b0a046c6f7373150000803e" + "bcf29b54";

  @TempDir Path dir;

  @Test
  void writesTheBytesTensorFlowWrites() throws IOException {
    Path file;
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      writer.scalars(3, Map.of("loss", 0.25));
      file = writer.file();
    }
    assertEquals(dir.resolve("events.out.tfevents.1700000000.host"), file);
    assertEquals(GOLDEN_FILE, HexFormat.of().formatHex(Files.readAllBytes(file)));
  }

  @Test
  void theFileIsFramedEventsWithTheFileVersionFirstAndOneEventPerCall() throws IOException {
    Path file;
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      for (long step = 1; step <= 3; step++) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", 1.0 / step);
        values.put("learning_rate", 0.01);
        values.put("examples_per_second", 1000.0 * step);
        writer.scalars(step, values);
      }
      file = writer.file();
    }
    List<Event> events = readWithChecksums(file);
    assertEquals(4, events.size());
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
    assertEquals(1_700_000_000.5, events.get(0).getWallTime());
    for (int step = 1; step <= 3; step++) {
      Event event = events.get(step);
      assertEquals(step, event.getStep());
      assertEquals(1_700_000_000.5, event.getWallTime());
      List<Summary.Value> values = event.getSummary().getValueList();
      assertEquals(List.of("loss", "learning_rate", "examples_per_second"),
          values.stream().map(Summary.Value::getTag).toList());
      assertEquals((float) (1.0 / step), values.get(0).getSimpleValue());
      assertEquals(0.01f, values.get(1).getSimpleValue());
      assertEquals(1000f * step, values.get(2).getSimpleValue());
    }
  }

  @Test
  void anEventIsInTheFileAsSoonAsItIsWritten() throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      writer.scalars(7, Map.of("loss", 0.5));
      // Neither flushed nor closed: what a live TensorBoard, or a killed trainer, leaves.
      assertEquals(List.of(new ScalarPoint(7, "loss", 0.5f)), EventLogs.scalars(dir));
    }
  }

  @Test
  void writersInTheSameSecondGetDistinctFilesThatSortInCreationOrder() throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
        writer.scalars(i, Map.of("loss", (double) i));
        files.add(writer.file());
      }
    }
    String base = "events.out.tfevents.1700000000.host";
    assertEquals(List.of(dir.resolve(base), dir.resolve(base + ".01"), dir.resolve(base + ".02")),
        files);
    assertEquals(files, EventLogs.files(dir));
    assertEquals(List.of(new ScalarPoint(0, "loss", 0f), new ScalarPoint(1, "loss", 1f),
        new ScalarPoint(2, "loss", 2f)), EventLogs.scalars(dir));
  }

  @Test
  void aLaterSecondSortsAfterNumberedNames() throws IOException {
    Path first = create(T);
    Path numbered = create(T);
    Path later = create(T.plusSeconds(1));
    assertEquals(List.of(first, numbered, later), EventLogs.files(dir));
  }

  @Test
  void aStepIsWrittenOnceWithAllItsValues() throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      writer.scalars(5, Map.of("loss", 1.0));
      IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
          () -> writer.scalars(5, Map.of("learning_rate", 0.1)));
      assertTrue(again.getMessage().startsWith("step 5 written after step 5 in "),
          again.getMessage());
      assertThrows(IllegalArgumentException.class, () -> writer.scalars(4, Map.of("loss", 1.0)));
      assertThrows(IllegalArgumentException.class, () -> writer.scalars(6, Map.of()));
      assertThrows(IllegalArgumentException.class, () -> writer.scalars(6, Map.of("", 1.0)));
    }
    assertEquals(List.of(new ScalarPoint(5, "loss", 1f)), EventLogs.scalars(dir));
  }

  @Test
  void sessionStartWritesASessionLogStartAtTheStep() throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(T), "host")) {
      writer.sessionStart(7);
    }
    Event start = EventLogs.read(dir).get(1);
    assertEquals(7, start.getStep());
    assertEquals(SessionLog.SessionStatus.START, start.getSessionLog().getStatus());
    assertFalse(start.hasSummary());
  }

  @Test
  void createsTheDirectoryAndRefusesWritesAfterClose() throws IOException {
    Path eval = dir.resolve("train/eval");
    EventFileWriter writer = EventFileWriter.open(eval, clockAt(T), "host");
    writer.close();
    writer.close();
    assertEquals(1, EventLogs.files(eval).size());
    assertThrows(IllegalStateException.class, () -> writer.scalars(1, Map.of("loss", 1.0)));
  }

  @Test
  void theDefaultNameCarriesThisHostsName() throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir)) {
      String name = writer.file().getFileName().toString();
      assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\.[^/]+"), name);
    }
  }

  private Path create(Instant now) throws IOException {
    try (EventFileWriter writer = EventFileWriter.open(dir, clockAt(now), "host")) {
      return writer.file();
    }
  }

  static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** The file's events, read with the framing reader, which checks both checksums of each. */
  private static List<Event> readWithChecksums(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    try (TfRecordReader reader = new TfRecordReader(file.toString(),
        new BufferedInputStream(Files.newInputStream(file)))) {
      while (reader.next()) {
        events.add(Event.parser().parseFrom(reader.buffer(), 0, reader.length()));
      }
    }
    return events;
  }
}
