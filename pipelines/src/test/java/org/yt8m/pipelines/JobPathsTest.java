package org.yt8m.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs apart from inputs, however the paths are spelled. */
class JobPathsTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  @TempDir
  Path dir;

  @Test
  void anOutputDirectoryReachedThroughALinkStillHoldsTheInputs() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path shard = Files.write(data.resolve("train0000.tfrecord"), new byte[0]);
    Path link = Files.createSymbolicLink(dir.resolve("link"), data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobPaths.of(OPTIONS).input("trainDataPattern", data + "/*.tfrecord")
            .outputDirectory("outputDir", link + "/prepared/..").check());
    assertEquals("--outputDir=" + link + "/prepared/.. holds an input: " + shard + ", which "
        + "--trainDataPattern=" + data + "/*.tfrecord matches. Write outputs apart from the "
        + "inputs.", e.getMessage());
  }

  @Test
  void outputsBesideTheInputsAreFine() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("train0000.tfrecord"), new byte[0]);
    JobPaths.of(OPTIONS).input("inputDataPattern", data + "/*.tfrecord")
        .input("segmentLabelIdsFile", null)
        .outputFile("outputFile", data + "/predictions.csv")
        .outputDirectory("outputDir", dir.resolve("data2").toString())
        .outputDirectory("trainDir", null)
        .check();
  }

  @Test
  void aGlobMatchingAFifoAmongTheShardsIsAnErrorNamingIt() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("train0000.tfrecord"), new byte[0]);
    Path fifo = mkfifo(data.resolve("train0001.tfrecord"));
    Files.write(data.resolve("train0002.tfrecord"), new byte[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobPaths.of(OPTIONS).input("trainDataPattern", data + "/train*.tfrecord")
            .check());
    assertEquals("--trainDataPattern=" + data + "/train*.tfrecord: " + fifo + " is a FIFO "
        + "(named pipe), not a regular file: only regular files can be read", e.getMessage());
  }

  @Test
  void aGlobMatchingOnlyAFifoNamesItRatherThanMatchingNothing() throws Exception {
    Path fifo = mkfifo(dir.resolve("validate0000.tfrecord"));
    Files.write(dir.resolve("train0000.tfrecord"), new byte[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobPaths.of(OPTIONS)
            .input("inputDataPattern", dir + "/{validate,test}?00*.tfrecord").check());
    assertEquals("--inputDataPattern=" + dir + "/{validate,test}?00*.tfrecord: " + fifo
        + " is a FIFO (named pipe), not a regular file: only regular files can be read",
        e.getMessage());
  }

  private static Path mkfifo(Path path) throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor());
    return path;
  }
}
