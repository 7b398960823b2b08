package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.model.train.summary.EventLogs;
import org.yt8m.model.train.summary.ScalarPoint;

class TrainerTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "24,8");
  static final int CLASSES = 10;
  static final String LOSS_TAG = "model/Training_Loss";

  @TempDir
  static Path data;
  static List<ShardSource> shards;

  @BeforeAll
  static void writeShards() throws IOException {
    SyntheticShards split = new SyntheticShards("train", 512, 2, false, 1, 1);
    SyntheticVideos videos = SyntheticVideos.of(11L, CLASSES, FEATURES);
    shards = new ArrayList<>();
    for (int shard = 0; shard < split.numShards(); shard++) {
      Path file = data.resolve(split.shardName(shard));
      try (OutputStream out = Files.newOutputStream(file)) {
        split.writeShard(shard, videos, out);
      }
      shards.add(ShardSource.of(file));
    }
  }

  static ModelFlags flags(String model) {
    return new ModelFlags(model, FEATURES, false, "CrossEntropyLoss", CLASSES,
        ModelConfig.DEFAULTS);
  }

  static TrainingGraph.Spec spec(ModelFlags flags) {
    return new TrainingGraph.Spec(flags.modelKind(), flags.config(), FEATURES.totalSize(),
        CLASSES, LabelLoss.byName(flags.labelLoss()), 1f, OptimizerKind.ADAM, 0.05f, 0.95f,
        4_000_000L, 32, 1f, 5L);
  }

  static TrainerSettings settings(long maxSteps, boolean startNewModel) {
    return new TrainerSettings(0, maxSteps, 4, startNewModel, 1, 2, 0, 9L);
  }

  static TrainingResult train(Path trainDir, ModelFlags flags, TrainerSettings settings,
      List<String> lines) throws Exception {
    return new Trainer(TrainDir.local(trainDir), flags, spec(flags), settings, shards, 512,
        lines::add).run();
  }

  /** Each step's logged loss; fails when a step was logged twice. */
  static Map<Long, Double> losses(Path trainDir) throws IOException {
    Map<Long, Double> byStep = new TreeMap<>();
    for (ScalarPoint point : EventLogs.scalars(trainDir)) {
      if (point.tag().equals(LOSS_TAG)) {
        Double previous = byStep.put(point.step(), (double) point.value());
        assertEquals(null, previous, "step " + point.step() + " logged twice");
      }
    }
    return byStep;
  }

  @Test
  void trainsCheckpointsExportsAndLogs(@TempDir Path trainDir) throws Exception {
    List<String> lines = new ArrayList<>();
    TrainingResult result = train(trainDir, flags("LogisticModel"), settings(10, false),
        lines);

    assertEquals(0, result.firstStep());
    assertEquals(10, result.lastStep());
    assertEquals(320, result.examples());
    assertEquals("export/step_10", result.lastExport());
    assertEquals("step_10\n", Files.readString(trainDir.resolve("export/latest")));
    assertTrue(Files.exists(trainDir.resolve("export/step_10/saved_model.pb")));
    assertTrue(Files.exists(trainDir.resolve("export/step_10/variables/variables.index")));
    assertEquals(flags("LogisticModel"), ModelFlags.fromJson(
        Files.readString(trainDir.resolve("export/step_10/model_flags.json")), "export"));
    assertEquals(flags("LogisticModel"), ModelFlags.fromJson(
        Files.readString(trainDir.resolve("model_flags.json")), "trainDir"));
    // 32 features × 10 classes and 10 biases, in the log and in trainDir's model_flags.json.
    assertTrue(lines.contains("LogisticModel: 330 trainable parameters"), lines.toString());
    assertEquals(330, new ObjectMapper().readTree(trainDir.resolve("model_flags.json").toFile())
        .get(ModelFlags.PARAMETER_COUNT).asLong());
    assertEquals(List.of("step_4", "step_8", "step_10"), new Exports(TrainDir.local(trainDir))
        .all());
    assertEquals("model_checkpoint_path: \"model.ckpt-10\"\n"
        + "all_model_checkpoint_paths: \"model.ckpt-4\"\n"
        + "all_model_checkpoint_paths: \"model.ckpt-8\"\n"
        + "all_model_checkpoint_paths: \"model.ckpt-10\"\n",
        Files.readString(trainDir.resolve("checkpoint")));

    Map<Long, Double> losses = losses(trainDir);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), List.copyOf(losses.keySet()));
    assertTrue(losses.get(10L) < losses.get(1L), "loss falls: " + losses);
    assertEquals(List.of("global_step/Examples/Second", "model/Learning_Rate",
        "model/Training_GAP", "model/Training_Hit@1", LOSS_TAG, "model/Training_Perr"),
        EventLogs.scalars(trainDir).stream().map(ScalarPoint::tag).distinct().sorted()
            .toList());
    String progress = lines.stream().filter(l -> l.startsWith("step 10 |")).findFirst()
        .orElseThrow();
    assertTrue(progress.matches("step 10 \\| epoch 1 \\| [0-9,]+ examples/s \\| loss [0-9.]+ "
        + "\\| Hit@1 [0-9.]+ \\| PERR [0-9.]+ \\| GAP [0-9.]+ \\| lr 0\\.0500 \\| ETA .*"),
        progress);
  }

  @Test
  void resumesFromTheLatestCheckpointAfterACrash(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("MoeModel"), settings(6, false), new ArrayList<>());
    // A crash after step 6 was logged but before its checkpoint was named: the pointer still
    // names step 4, the newest complete checkpoint.
    Files.writeString(trainDir.resolve("checkpoint"),
        "model_checkpoint_path: \"model.ckpt-4\"\n");

    List<String> lines = new ArrayList<>();
    TrainingResult resumed = train(trainDir, flags("MoeModel"), settings(9, false), lines);

    assertEquals(4, resumed.firstStep());
    assertEquals(9, resumed.lastStep());
    assertEquals(5 * 32, resumed.examples());
    assertTrue(lines.stream().anyMatch(l -> l.contains("at step 4")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("dropped ")), lines.toString());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), List.copyOf(
        losses(trainDir).keySet()));
  }

  @Test
  void resumingContinuesTheGlobalStepAndLearningRateSchedule(@TempDir Path trainDir)
      throws Exception {
    train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>());
    TrainingResult second = train(trainDir, flags("LogisticModel"), settings(8, false),
        new ArrayList<>());
    assertEquals(4, second.firstStep());
    assertEquals(8, second.lastStep());
    Map<Long, Double> losses = losses(trainDir);
    assertEquals(8, losses.size());
    // The resumed run continues from trained weights, not from a fresh start.
    assertTrue(losses.get(5L) < losses.get(1L), losses.toString());
  }

  @Test
  void startNewModelIgnoresTheCheckpointsAndFlags(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>());
    TrainingResult fresh = train(trainDir, flags("MoeModel"), settings(2, true),
        new ArrayList<>());
    assertEquals(0, fresh.firstStep());
    assertEquals(2, fresh.lastStep());
    assertEquals(flags("MoeModel"), ModelFlags.fromJson(
        Files.readString(trainDir.resolve("model_flags.json")), "trainDir"));
    assertEquals(List.of(1L, 2L), List.copyOf(losses(trainDir).keySet()));
  }

  /**
   * A kill during --startNewModel after the old checkpoint pointer was forgotten, before the
   * new run's model_flags.json: the next plain run starts from step 0, so it is a new run, not
   * the old one continued (whose exports' evaluations would then count for the new weights).
   */
  @Test
  void aRunWithoutACheckpointToResumeIsANewRun(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>());
    RunId first = RunId.recordedIn(TrainDir.local(trainDir), "");
    Files.delete(trainDir.resolve("checkpoint"));
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    RunId second = RunId.recordedIn(TrainDir.local(trainDir), "");
    assertNotEquals(first, second);
    assertEquals(second, new Exports(TrainDir.local(trainDir)).runOf("step_2"));
  }

  @Test
  void otherModelFlagsInTheSameDirectoryAreAnError(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(trainDir, flags("MoeModel"), settings(4, false), new ArrayList<>()));
    assertTrue(e.getMessage().contains("model: recorded LogisticModel, now MoeModel"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--startNewModel"), e.getMessage());
    assertFalse(Files.exists(trainDir.resolve("model.ckpt-4.index")));
  }

  @Test
  void readsThePointerTf1SaverWritesWithAbsolutePaths(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>());
    Files.writeString(trainDir.resolve("checkpoint"), "model_checkpoint_path: \"gs://bucket/run/"
        + "model.ckpt-4\"\nall_model_checkpoint_paths: \"gs://bucket/run/model.ckpt-4\"\n");
    assertEquals(4, train(trainDir, flags("LogisticModel"), settings(6, false),
        new ArrayList<>()).firstStep());
  }

  @Test
  void aPointerToMissingFilesNamesThem(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    Files.writeString(trainDir.resolve("checkpoint"),
        "model_checkpoint_path: \"model.ckpt-77\"\n");
    IOException e = assertThrows(IOException.class,
        () -> train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>()));
    assertTrue(e.getMessage().contains("model.ckpt-77"), e.getMessage());
  }

  @Test
  void keepsTheNewestFiveCheckpoints(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(26, false), new ArrayList<>());
    try (var files = Files.list(trainDir)) {
      assertEquals("model.ckpt-12,model.ckpt-16,model.ckpt-20,model.ckpt-24,model.ckpt-26",
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".index"))
              .map(n -> n.substring(0, n.length() - ".index".length())).sorted(
                  (a, b) -> Long.compare(Long.parseLong(a.substring(11)),
                      Long.parseLong(b.substring(11))))
              .collect(Collectors.joining(",")));
    }
  }

  @Test
  void aSecondTrainerFailsAtOnceNamingTheOneTraining(@TempDir Path trainDir) throws Exception {
    List<String> firstLog = new ArrayList<>();
    try (TrainerLease first = TrainerLease.acquire(TrainDir.local(trainDir), firstLog::add)) {
      IOException e = assertThrows(IOException.class,
          () -> train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>()));
      assertTrue(e.getMessage().startsWith(trainDir.resolve("trainer.lease") + " is held by "
          + "process " + ProcessHandle.current().pid() + " on "), e.getMessage());
      first.checkHeld();
    }
    try (var files = Files.list(trainDir)) {
      assertEquals(List.of(), files.toList(), "the second trainer wrote nothing");
    }
  }

  @Test
  void runsHaveIdsAndStartNewModelStartsANewOne(@TempDir Path trainDir) throws Exception {
    TrainDir dir = TrainDir.local(trainDir);
    Exports exports = new Exports(dir);
    train(trainDir, flags("LogisticModel"), settings(4, false), new ArrayList<>());
    RunId first = RunId.recordedIn(dir, "");
    assertTrue(first.value().matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}"), first.value());
    train(trainDir, flags("LogisticModel"), settings(8, false), new ArrayList<>());
    assertEquals(first, RunId.recordedIn(dir, ""), "a resumed run is the same run");
    assertEquals(first, exports.runOf("step_8"));

    List<String> lines = new ArrayList<>();
    train(trainDir, flags("LogisticModel"), settings(2, true), lines);
    RunId second = RunId.recordedIn(dir, "");
    assertFalse(second.equals(first));
    assertTrue(lines.contains("starting a new LogisticModel in " + trainDir + " (run " + second
        + ")"), lines.toString());
    assertEquals(second, exports.runOf("step_2"));
    assertEquals(first, exports.runOf("step_8"), "the replaced run's exports keep their id");
    assertEquals(Optional.of("export/step_2"), exports.latest());
  }

  @Test
  void aTrainDirWithoutRunIdsContinuesAsOneLegacyRun(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    // As an older version wrote it: the flags without a run id.
    Files.writeString(trainDir.resolve("model_flags.json"), Files.readString(
        trainDir.resolve("model_flags.json")).replaceAll(",\\s*\"run_id\" : \"[^\"]*\"", ""));
    assertEquals(RunId.LEGACY, RunId.recordedIn(TrainDir.local(trainDir), ""));

    assertEquals(2, train(trainDir, flags("LogisticModel"), settings(4, false),
        new ArrayList<>()).firstStep());
    assertEquals(RunId.LEGACY, new Exports(TrainDir.local(trainDir)).runOf("step_4"));
  }

  @Test
  void whatAnInterruptedRunLeftIsDeletedAtTheNextStart(@TempDir Path trainDir)
      throws Exception {
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    // An older version killed mid-export: variables cut short, no index, no model_flags.json.
    Files.createDirectories(trainDir.resolve("export/step_3/variables"));
    Files.writeString(trainDir.resolve("export/step_3/saved_model.pb"), "graph");
    Files.writeString(trainDir.resolve("export/step_3/variables/variables.data-00000-of-00001"),
        "cut");
    // The starter's own export, which has no model_flags.json: not ours to delete.
    Files.createDirectories(trainDir.resolve("export/step_1/variables"));
    Files.writeString(trainDir.resolve("export/step_1/saved_model.pb"), "graph");
    Files.writeString(trainDir.resolve("export/step_1/variables/variables.index"), "index");
    Files.createDirectories(trainDir.resolve("export/.staged.tmp/variables"));
    Files.writeString(trainDir.resolve(".model_flags.json5551212.tmp"), "{\"mod");

    List<String> lines = new ArrayList<>();
    train(trainDir, flags("LogisticModel"), settings(4, false), lines);

    assertTrue(lines.contains("deleted what an interrupted run left in " + trainDir + ": "
        + ".model_flags.json5551212.tmp, export/.staged.tmp, export/step_3"), lines.toString());
    assertEquals(List.of("latest", "step_1", "step_2", "step_4"),
        TrainDir.local(trainDir).list("export"));
    assertEquals(List.of("step_2", "step_4"), new Exports(TrainDir.local(trainDir)).all());
  }

  @Test
  void aLatestPointerOutsideTheTrainDirIsRefused(@TempDir Path trainDir) throws Exception {
    train(trainDir, flags("LogisticModel"), settings(2, false), new ArrayList<>());
    Files.writeString(trainDir.resolve("export/latest"), "../../elsewhere/model\n");
    IOException e = assertThrows(IOException.class,
        () -> new Exports(TrainDir.local(trainDir)).latest());
    assertEquals(trainDir + "/export/latest names \"../../elsewhere/model\", which is not a "
        + "directory of " + trainDir + "/export: it must name one of its exports (step_N); "
        + "rewrite it, or delete it and train", e.getMessage());
  }
}
