package org.yt8m.pipelines.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.TrainingGraph;

/**
 * Optimizer flags that would train nothing, or NaN, are refused before anything is written;
 * model flags reach the model's config.
 */
class TrainCommandTest {
  @TempDir
  Path dir;

  @Test
  void theClusterPoolingFlagsReachTheModelConfig() {
    TrainOptions options = PipelineOptionsFactory.fromArgs("--trainDataPattern=" + dir
        + "/train*.tfrecord", "--trainDir=" + dir.resolve("train"), "--model=NeXtVladModel",
        "--frameFeatures", "--moeGating", "--netvladClusterSize=32",
        "--netvladHiddenSize=256", "--netvladAddBatchNorm=false", "--gating",
        "--nextvladClusterSize=16", "--nextvladHiddenSize=512", "--nextvladExpansion=3",
        "--nextvladGroups=4", "--nextvladDropout=0.25", "--nextvladGatingReduction=4")
        .as(TrainOptions.class);
    ModelConfig config = TrainCommand.modelFlags(options).config();
    assertTrue(config.moeGating());
    assertEquals(new ModelConfig.NetVlad(32, 256, false, true), config.netVlad());
    assertEquals(new ModelConfig.NeXtVlad(16, 512, 3, 4, 0.25f, 4), config.nextVlad());
  }

  @Test
  void theClusterPoolingModelsDefaultToTheirAuthorsSizes() {
    TrainOptions options = PipelineOptionsFactory.fromArgs("--trainDataPattern=x",
        "--trainDir=y", "--model=NetVladModel", "--frameFeatures").as(TrainOptions.class);
    ModelConfig config = TrainCommand.modelFlags(options).config();
    assertFalse(config.moeGating());
    assertEquals(ModelConfig.NetVlad.DEFAULTS, config.netVlad());
    assertEquals(ModelConfig.NeXtVlad.DEFAULTS, config.nextVlad());
  }

  @Test
  void theRecipeFlagsReachTheSpec() {
    TrainOptions options = PipelineOptionsFactory.fromArgs("--trainDataPattern=x",
        "--trainDir=y", "--model=NetVladModel", "--frameFeatures", "--warmupSteps=500",
        "--labelSmoothing=0.1", "--emaDecay=0.999", "--numFrames=60", "--distillWeight=2")
        .as(TrainOptions.class);
    assertEquals(new TrainingGraph.Recipe(500, 0.1f, 0.999f, 60, 0f),
        TrainCommand.spec(options, TrainCommand.modelFlags(options)).recipe(),
        "no teacher, no distillation");
    options.setDistillFrom("teacher");
    assertEquals(2f, TrainCommand.spec(options, TrainCommand.modelFlags(options)).recipe()
        .distillWeight());
  }

  @Test
  void aTeacherWithoutWeightIsRefused() {
    TrainOptions options = PipelineOptionsFactory.fromArgs("--trainDataPattern=x",
        "--trainDir=y", "--distillFrom=" + dir, "--distillWeight=0").as(TrainOptions.class);
    assertEquals("--distillWeight must be a positive number, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> TrainCommand.validate(options))
            .getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "baseLearningRate=NaN | --baseLearningRate must be a positive number, got NaN",
      "baseLearningRate=0 | --baseLearningRate must be a positive number, got 0.0",
      "baseLearningRate=-0.01 | --baseLearningRate must be a positive number, got -0.01",
      "baseLearningRate=Infinity | --baseLearningRate must be a positive number, got Infinity",
      "learningRateDecay=0 | --learningRateDecay must be a positive number, got 0.0",
      "learningRateDecayExamples=0 | --learningRateDecayExamples must be positive, got 0",
      "regularizationPenalty=NaN | --regularizationPenalty must be a number >= 0, got NaN",
      "clipGradientNorm=-1 | --clipGradientNorm must be a number >= 0, got -1.0",
      "labelSmoothing=1.5 | labelSmoothing must be in [0, 1), got 1.5",
      "emaDecay=1 | emaDecay must be in [0, 1), got 1.0",
      "warmupSteps=-1 | warmupSteps must be >= 0, got -1",
      "numFrames=30 | numFrames samples the frames of frame-level models; LogisticModel is "
          + "video-level"})
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
