package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.base.Throwables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.Count;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

/**
 * A FIFO, a device or a directory where a shard should be is an error naming it: opening a
 * FIFO for reading would wait for a writer forever (it hung {@code inspect} with no output).
 */
class RegularFilesTest {
  @TempDir
  Path dir;

  @Test
  void namesWhatAFileIsWhenItIsNotRegular() throws Exception {
    Path fifo = mkfifo(dir.resolve("fifo.tfrecord"));
    assertEquals(fifo + " is a FIFO (named pipe), not a regular file: only regular files can "
        + "be read", refusal(fifo));
    assertEquals("/dev/null is a character device, not a regular file: only regular files can "
        + "be read", refusal(Path.of("/dev/null")));
    Path link = Files.createSymbolicLink(dir.resolve("link.tfrecord"),
        ShardFiles.write(dir.resolve("shard.tfrecord"), List.of()));
    RegularFiles.require(FileSystems.matchNewResource(link.toString(), false));
  }

  @Test
  void aFifoMatchedForTheTrainerIsAnErrorNamingIt() throws Exception {
    Path fifo = mkfifo(dir.resolve("train0000.tfrecord"));
    IOException e = assertThrows(IOException.class,
        () -> FileSystemsShards.matching(fifo.toString(), Compression.AUTO));
    assertEquals(fifo + " is a FIFO (named pipe), not a regular file: only regular files can "
        + "be read", e.getMessage());
  }

  @Test
  void aFifoMatchedByAReadFailsTheJobNamingItInsteadOfHanging() throws Exception {
    Path fifo = mkfifo(dir.resolve("train0000.tfrecord"));
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(Yt8mIO.readVideos(fifo.toString())).records().apply(Count.globally());
    Exception e = assertTimeoutPreemptively(Duration.ofMinutes(1),
        () -> assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish()));
    assertEquals(fifo + " is a FIFO (named pipe), not a regular file: only regular files can "
        + "be read", Throwables.getRootCause(e).getMessage());
  }

  @Test
  void aGlobNamesEveryFifoItMatchesWhereBeamsMatchSkipsThem() throws Exception {
    Path day = Files.createDirectories(dir.resolve("2024/day1"));
    ShardFiles.write(day.resolve("train0000.tfrecord"), List.of());
    Path fifo = mkfifo(day.resolve("train0001.tfrecord"));
    Path other = mkfifo(dir.resolve("2024/train0002.tfrecord"));
    String glob = "file://" + dir + "/**/train*.tfrecord";
    assertEquals(1, FileSystems.match(glob).metadata().size(), "Beam's match skips both");

    IOException e = assertThrows(IOException.class,
        () -> RegularFiles.requireGlobMatchesRegular(glob));
    assertEquals(fifo + " is a FIFO (named pipe); " + other + " is a FIFO (named pipe): not "
        + "regular files: only regular files can be read", e.getMessage());
    RegularFiles.requireGlobMatchesRegular(day + "/train000[0]*");
    RegularFiles.requireGlobMatchesRegular(day.resolve("train0000.tfrecord").toString());
  }

  static Path mkfifo(Path path) throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor());
    return path;
  }

  private static String refusal(Path path) {
    return assertThrows(IOException.class, () -> RegularFiles.require(
        FileSystems.matchNewResource(path.toString(), false))).getMessage();
  }
}
