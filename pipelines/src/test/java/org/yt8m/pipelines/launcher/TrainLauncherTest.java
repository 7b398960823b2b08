package org.yt8m.pipelines.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code yt8m train} through the launcher, spelled with the starter's flags. */
class TrainLauncherTest extends LauncherTestBase {
  @TempDir
  static Path data;

  @BeforeAll
  static void generate() {
    assertEquals(Yt8m.OK, Yt8m.run(new String[] {"generate", "--outputDir=" + data,
        "--numVideos=256", "--numShards=2", "--numClasses=20"}, System.out, System.err));
  }

  @Test
  void trainsWithTheStarterFlagsThenRefusesOtherModelFlags(@TempDir Path trainDir)
      throws Exception {
    assertEquals(Yt8m.OK, run("train", "--train_data_pattern=" + data + "/train*.tfrecord",
        "--train_dir=" + trainDir, "--model=MoeModel", "--num_classes=20", "--batch_size=32",
        "--max_steps=6", "--export_model_steps=3", "--start_new_model=False",
        "--log_every_steps=3", "--num_gpu=1"), stderr());
    assertTrue(stdout().contains("done: global step 6"), stdout());
    assertTrue(stdout().lines().anyMatch(l -> l.startsWith("step 6 | epoch 1 |")), stdout());
    assertEquals("step_6\n", Files.readString(trainDir.resolve("export/latest")));
    assertTrue(Files.readString(trainDir.resolve("model_flags.json"))
        .contains("\"model\" : \"MoeModel\""));

    assertEquals(Yt8m.FAILED, run("train", "--trainDataPattern=" + data + "/train*.tfrecord",
        "--trainDir=" + trainDir, "--model=LogisticModel", "--numClasses=20",
        "--maxSteps=8"));
    assertTrue(stderr().contains("model: recorded MoeModel, now LogisticModel"), stderr());
  }

  @Test
  void preparedShardsGiveTheEtaItsEnd(@TempDir Path work) {
    assertEquals(Yt8m.OK, run("prepare", "--trainDataPattern=" + data + "/train*.tfrecord",
        "--outputDir=" + work.resolve("prepared"), "--numShards=2", "--numClasses=20"),
        stderr());
    assertEquals(Yt8m.OK, run("train", "--trainDataPattern=" + work.resolve("prepared")
        + "/prepared-*.tfrecord", "--trainDir=" + work.resolve("train"), "--numClasses=20",
        "--batchSize=64", "--numEpochs=1", "--logEverySteps=2"), stderr());
    // 256 records, one epoch, batches of 64: four steps, so the ETA at step 2 is known.
    String progress = stdout().lines().filter(l -> l.startsWith("step 2 |")).findFirst()
        .orElseThrow();
    assertTrue(progress.matches(".*\\| ETA \\d+:\\d\\d:\\d\\d"), progress);
    assertTrue(stdout().contains("done: global step 4"), stdout());
  }

  @Test
  void aTrainDirHoldingTheInputsIsRefused() {
    assertEquals(Yt8m.FAILED, run("train", "--trainDataPattern=" + data + "/train*.tfrecord",
        "--trainDir=" + data, "--numClasses=20"));
    assertEquals("yt8m train: error: --trainDir=" + data + " holds an input: " + data.resolve("train0000.tfrecord") + ", which --trainDataPattern=" + data
        + "/train*.tfrecord matches. Write outputs apart from the inputs.\n", stderr());
  }

  @Test
  void aFrameLevelModelNeedsFrameFeatures(@TempDir Path trainDir) {
    assertEquals(Yt8m.FAILED, run("train", "--trainDataPattern=" + data + "/train*",
        "--trainDir=" + trainDir, "--model=DbofModel"));
    assertTrue(stderr().contains("DbofModel is a frame-level model: it needs --frameFeatures"),
        stderr());
  }

  @Test
  void anUnknownModelListsTheModels(@TempDir Path trainDir) {
    assertEquals(Yt8m.FAILED, run("train", "--trainDataPattern=" + data + "/train*",
        "--trainDir=" + trainDir, "--model=TransformerModel"));
    assertTrue(stderr().contains("unknown model TransformerModel; the models are "
        + "LogisticModel"), stderr());
    assertTrue(stderr().contains("NetVladModel, NeXtVladModel"), stderr());
  }
}
