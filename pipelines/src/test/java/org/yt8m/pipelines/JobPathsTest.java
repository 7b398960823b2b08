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
}
