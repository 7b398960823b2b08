package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineRunsTest {
  @TempDir
  Path dir;

  @Test
  void mergesMoreRunsThanItReadsAtOnceIntoOneOrder() throws IOException {
    Random random = new Random(5);
    List<String> all = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    int count = SortedRuns.FAN_IN * 2 + 7; // merged in three groups (the last short), then once
    for (int run = 0; run < count; run++) {
      List<String> lines = new ArrayList<>();
      for (int i = random.nextInt(20); i > 0; i--) {
        lines.add("v" + random.nextInt(500) + (random.nextBoolean() ? ",é\n\"x\"" : ",1"));
      }
      lines.sort(Comparator.naturalOrder());
      all.addAll(lines);
      String path = dir.resolve("run-" + run).toString();
      LineRuns.write(lines, path);
      runs.add(path);
    }
    AtomicInteger scratch = new AtomicInteger();
    List<String> merged = new ArrayList<>();
    LineRuns.merge(runs, Comparator.naturalOrder(),
        () -> dir.resolve("merged-" + scratch.incrementAndGet()).toString(), merged::add);
    all.sort(Comparator.naturalOrder());
    assertEquals(all, merged, "every line of every run, once each, in order");
    assertEquals(3, scratch.get(), count + " runs are first merged in 3 groups");
  }

  @Test
  void aRunCutInsideALineIsAnErrorNamingIt() throws IOException {
    String path = dir.resolve("run-0").toString();
    LineRuns.write(List.of("a,1", "b,2"), path);
    byte[] bytes = Files.readAllBytes(Path.of(path));
    Files.write(Path.of(path), java.util.Arrays.copyOf(bytes, bytes.length - 1));
    IOException e = assertThrows(IOException.class, () -> LineRuns.merge(List.of(path),
        Comparator.naturalOrder(), () -> dir.resolve("m").toString(), line -> {}));
    assertTrue(e.getMessage().contains(path) && e.getMessage().contains("inside the entry"),
        e.getMessage());
  }

  @Test
  void noRunsMergeToNothing() throws IOException {
    List<String> merged = new ArrayList<>();
    LineRuns.merge(List.of(), Comparator.naturalOrder(), () -> "unused", merged::add);
    assertEquals(List.of(), merged);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
