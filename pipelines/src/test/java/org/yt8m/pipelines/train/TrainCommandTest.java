package org.yt8m.pipelines.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Optimizer flags that would train nothing, or NaN, are refused before anything is written. */
class TrainCommandTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "baseLearningRate=NaN | --baseLearningRate must be a positive number, got NaN",
      "baseLearningRate=0 | --baseLearningRate must be a positive number, got 0.0",
      "baseLearningRate=-0.01 | --baseLearningRate must be a positive number, got -0.01",
      "baseLearningRate=Infinity | --baseLearningRate must be a positive number, got Infinity",
      "learningRateDecay=0 | --learningRateDecay must be a positive number, got 0.0",
      "learningRateDecayExamples=0 | --learningRateDecayExamples must be positive, got 0",
      "regularizationPenalty=NaN | --regularizationPenalty must be a number >= 0, got NaN",
      "clipGradientNorm=-1 | --clipGradientNorm must be a number >= 0, got -1.0"})
  void nonsenseOptimizerFlagsAreRefused(String flag, String message) throws Exception {
    Path trainDir = dir.resolve("train");
    TrainOptions options = PipelineOptionsFactory.fromArgs("--trainDataPattern=" + dir
        + "/train*.tfrecord", "--trainDir=" + trainDir, "--" + flag).as(TrainOptions.class);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainCommand.execute(options, new PrintStream(new ByteArrayOutputStream(), true,
            UTF_8)));
    assertEquals(message, e.getMessage());
    assertFalse(Files.exists(trainDir));
  }
}
