package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of numbers, merged whole and in slices; runs cut short. */
class SortedRunsTest {
  /** A number as 8 bytes. */
  private static final SortedRuns.Format<Long> NUMBERS = new SortedRuns.Format<>() {
    @Override
    public void write(Long entry, DataOutput out) throws IOException {
      out.writeLong(entry);
    }

    @Override
    public Long read(DataInput in) throws IOException {
      return in.readLong();
    }
  };

  @TempDir
  Path dir;

  /**
   * Each run cut in two slices at its middle entry, so that slices start inside their files;
   * more slices than the fan-in are merged in groups first, and those groups' runs removed.
   */
  @Test
  void mergesSlicesOfRunsInOrderInGroupsWhenThereAreMany() throws IOException {
    Random random = new Random(3);
    List<Long> all = new ArrayList<>();
    List<RunSlice> slices = new ArrayList<>();
    for (int run = 0; run < 100; run++) {
      long[] numbers = random.longs(random.nextInt(9), 0, 1000).sorted().toArray();
      String path = dir.resolve("run-" + run).toString();
      try (SortedRuns.Writer<Long> writer = SortedRuns.create(path, NUMBERS)) {
        long middle = 0;
        for (int i = 0; i < numbers.length; i++) {
          middle = i == numbers.length / 2 ? writer.position() : middle;
          writer.add(numbers[i]);
          all.add(numbers[i]);
        }
        slices.add(new RunSlice(path, 0, middle));
        slices.add(new RunSlice(path, middle, writer.position()));
      }
    }
    AtomicInteger scratch = new AtomicInteger();
    List<Long> merged = new ArrayList<>();
    SortedRuns.merge(slices, NUMBERS, Comparator.naturalOrder(),
        () -> dir.resolve("merged-" + scratch.incrementAndGet()).toString(), merged::add);
    all.sort(Comparator.naturalOrder());
    assertEquals(all, merged, "every entry of every slice, once each, in order");
    assertEquals(4, scratch.get(), "200 slices are first merged in 4 groups of at most 64");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(100, files.count(), "the runs merged in groups are removed, the inputs kept");
    }
  }

  @Test
  void aSliceOfARunCutShortIsAnErrorNamingTheRunAndTheByte() throws IOException {
    String path = dir.resolve("run").toString();
    RunSlice whole = write(path, 1, 2, 3, 4);
    Files.write(Path.of(path), Arrays.copyOf(Files.readAllBytes(Path.of(path)), 16));
    IOException e = assertThrows(IOException.class, () -> SortedRuns.merge(List.of(whole),
        NUMBERS, Comparator.naturalOrder(), () -> "unused", entry -> {}));
    assertEquals("the sorted run " + path + " has no entry at byte 16, inside its slice "
        + "[0, 32): the file was cut short", e.getMessage());

    RunSlice rest = new RunSlice(path, 24, 32);
    e = assertThrows(IOException.class, () -> SortedRuns.merge(List.of(rest),
        NUMBERS, Comparator.naturalOrder(), () -> "unused", entry -> {}));
    assertTrue(e.getMessage().startsWith("the sorted run " + path + " has no entry at byte 24"),
        e.getMessage());
  }

  @Test
  void aRunCutInsideAnEntryIsAnErrorNamingTheRunAndTheByte() throws IOException {
    String path = dir.resolve("run").toString();
    write(path, 1, 2);
    Files.write(Path.of(path), Arrays.copyOf(Files.readAllBytes(Path.of(path)), 13));
    IOException e = assertThrows(IOException.class, () -> SortedRuns.merge(
        List.of(RunSlice.whole(path)), NUMBERS, Comparator.naturalOrder(), () -> "unused",
        entry -> {}));
    assertEquals("the sorted run " + path + " ends inside the entry at byte 8", e.getMessage());
  }

  private static RunSlice write(String path, long... numbers) throws IOException {
    try (SortedRuns.Writer<Long> writer = SortedRuns.create(path, NUMBERS)) {
      for (long number : numbers) {
        writer.add(number);
      }
      return writer.written();
    }
  }
}
