package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.ServingSignature;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.PatternFrames;
import org.yt8m.model.train.input.ShardSource;

/**
 * The recipe through the trainer: a run with {@code emaDecay} exports the averaged weights
 * (the checkpoint keeps the trained ones and the averages), a student that never sees a label
 * learns the classes from a teacher's probabilities alone, and {@code numFrames} trains on
 * sampled frames.
 */
class RecipeTrainingTest {
  static final FeatureSpec FEATURES = LogisticModelLearnsTest.FEATURES;
  static final int CLASSES = LogisticModelLearnsTest.CLASSES;
  static final SyntheticVideos VIDEOS = SyntheticVideos.of(21L, CLASSES, FEATURES);
  static final ModelFlags FLAGS = new ModelFlags("LogisticModel", FEATURES, false,
      "CrossEntropyLoss", CLASSES, ModelConfig.DEFAULTS);
  static final TrainingGraph.Spec TEACHER = spec(TrainingGraph.Recipe.NONE.withEmaDecay(0.95f));

  @TempDir
  static Path dir;
  static Path teacherDir;
  static TrainingResult teacher;

  static TrainingGraph.Spec spec(TrainingGraph.Recipe recipe) {
    return new TrainingGraph.Spec(Models.LOGISTIC, FLAGS.config(), FEATURES.totalSize(),
        CLASSES, LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM, 0.05f, 0.95f, 4_000_000L, 128,
        1f, 1L).withRecipe(recipe);
  }

  static List<ShardSource> shards(SyntheticShards split) throws Exception {
    List<ShardSource> shards = new ArrayList<>();
    for (int shard = 0; shard < split.numShards(); shard++) {
      Path file = dir.resolve(split.shardName(shard));
      try (OutputStream out = Files.newOutputStream(file)) {
        split.writeShard(shard, VIDEOS, out);
      }
      shards.add(ShardSource.of(file));
    }
    return shards;
  }

  @BeforeAll
  static void trainTheTeacher() throws Exception {
    teacherDir = dir.resolve("teacher");
    teacher = new Trainer(TrainDir.local(teacherDir), FLAGS, TEACHER,
        new TrainerSettings(0, 300, 300, false, 100, 2, 0, 3L),
        shards(new SyntheticShards("train", 4096, 2, false, 1, 1)), 4096, line -> { }).run();
  }

  /**
   * The export scores as the checkpoint's averages do, not as its trained weights: the same
   * graph restored from the checkpoint, before and after {@code useAverages}.
   */
  @Test
  void theExportCarriesTheAveragedWeights() throws Exception {
    int count = 64;
    float[] features = new float[count * FEATURES.totalSize()];
    SplittableRandom random = new SplittableRandom(5L);
    for (int i = 0; i < count; i++) {
      System.arraycopy(VIDEOS.video("x" + i, random).features(), 0, features,
          i * FEATURES.totalSize(), FEATURES.totalSize());
    }
    float[] trained = new float[count * CLASSES];
    float[] averaged = new float[count * CLASSES];
    try (Graph g = new Graph(); Session session = new Session(g)) {
      TrainingGraph graph = new TrainingGraph(g, TEACHER);
      new Checkpoints(TrainDir.local(teacherDir), dir.resolve("scratch"))
          .restore(session, teacher.lastStep());
      probabilities(session, graph, features, count, trained);
      session.runner().addTarget(graph.weightAverage().orElseThrow().useAverages()).run();
      probabilities(session, graph, features, count, averaged);
    }
    float[] exported = new float[count * CLASSES];
    try (SavedModelBundle model = SavedModelBundle.load(
            teacherDir.resolve(teacher.lastExport()).toString(), ServingSignature.TAG);
        TFloat32 x = TFloat32.tensorOf(Shape.of(count, FEATURES.totalSize()),
            DataBuffers.of(features, true, false));
        TInt32 k = TInt32.scalarOf(1);
        Result out = model.function(ServingSignature.KEY).call(Map.<String, Tensor>of(
            ServingSignature.FEATURES, x, ServingSignature.TOP_K, k))) {
      ((TFloat32) out.get(ServingSignature.PROBABILITIES).orElseThrow())
          .copyTo(DataBuffers.of(exported, false, false));
    }
    assertArrayEquals(averaged, exported, 1e-6f);
    double largest = 0;
    for (int i = 0; i < exported.length; i++) {
      largest = Math.max(largest, Math.abs(exported[i] - trained[i]));
    }
    assertTrue(largest > 1e-3, "the export scores as the trained weights do: " + largest);
  }

  private static void probabilities(Session session, TrainingGraph graph, float[] features,
      int count, float[] into) {
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(count, FEATURES.totalSize()),
            DataBuffers.of(features, true, false));
        Result r = session.runner().feed(graph.features(), x)
            .fetch(graph.servingProbabilities()).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(into, false, false));
    }
  }

  /**
   * Shards without labels (a test split): alone they teach nothing (every class's target is 0),
   * with the teacher's probabilities the student ranks held-out videos' classes nearly as
   * well as the teacher.
   */
  @Test
  void aStudentWithoutLabelsLearnsFromTheTeacher(@TempDir Path studentDir) throws Exception {
    List<ShardSource> unlabelled = shards(new SyntheticShards("test", 2048, 2, false, 1, 1));
    Path teacherExport = teacherDir.resolve(teacher.lastExport());
    double teacherGap = LogisticModelLearnsTest.heldOutGap(teacherExport, VIDEOS, 1000);
    TrainingResult student;
    try (ExportedModel loaded = ExportedModel.load(teacherExport, 1)) {
      student = new Trainer(TrainDir.local(studentDir), FLAGS,
          spec(TrainingGraph.Recipe.NONE.withDistillWeight(3f)),
          new TrainerSettings(0, 200, 200, false, 100, 2, 0, 4L), unlabelled, 2048,
          line -> { }).distillingFrom(Distillation.of(loaded, FLAGS)).run();
    }
    double studentGap = LogisticModelLearnsTest.heldOutGap(
        studentDir.resolve(student.lastExport()), VIDEOS, 1000);
    assertTrue(teacherGap > LogisticModelLearnsTest.GAP_FLOOR, "teacher GAP " + teacherGap);
    assertTrue(studentGap > 0.8 * teacherGap, "student GAP " + studentGap + ", teacher "
        + teacherGap);
  }

  /**
   * With numFrames the trainer trains on sampled frames: the same run on all frames exports
   * other weights (FrameLevelLogisticModel averages the frames it is fed).
   */
  @Test
  void numFramesTrainsOnSampledFrames(@TempDir Path shardDir, @TempDir Path all,
      @TempDir Path sampled) throws Exception {
    PatternFrames data = new PatternFrames(256, 20, 16, 5, 2L);
    List<ShardSource> shards = new ArrayList<>();
    for (Path file : data.writeShards(shardDir, 1)) {
      shards.add(ShardSource.of(file));
    }
    ModelFlags flags = new ModelFlags("FrameLevelLogisticModel", data.spec(), true,
        "CrossEntropyLoss", 5, ModelConfig.DEFAULTS);
    TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.FRAME_LEVEL_LOGISTIC,
        ModelConfig.DEFAULTS, 16, 5, LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.SGD, 0.5f, 0.95f,
        4_000_000L, 64, 0f, 1L);
    float[][] exported = new float[2][];
    Path[] dirs = {all, sampled};
    for (int run = 0; run < 2; run++) {
      TrainingResult result = new Trainer(TrainDir.local(dirs[run]), flags,
          spec.withRecipe(TrainingGraph.Recipe.NONE.withNumFrames(run == 0 ? 0 : 2)),
          new TrainerSettings(0, 8, 8, false, 8, 1, 64, 5L), shards, 256, line -> { }).run();
      exported[run] = new float[64 * 5];
      try (SavedModelBundle model = SavedModelBundle.load(
              dirs[run].resolve(result.lastExport()).toString(), ServingSignature.TAG);
          TFloat32 x = data.features(0, 64); TInt32 frames = data.numFrames(0, 64);
          TInt32 k = TInt32.scalarOf(1);
          Result out = model.function(ServingSignature.KEY).call(Map.<String, Tensor>of(
              ServingSignature.FEATURES, x, ServingSignature.NUM_FRAMES, frames,
              ServingSignature.TOP_K, k))) {
        ((TFloat32) out.get(ServingSignature.PROBABILITIES).orElseThrow())
            .copyTo(DataBuffers.of(exported[run], false, false));
      }
    }
    double largest = 0;
    for (int i = 0; i < exported[0].length; i++) {
      largest = Math.max(largest, Math.abs(exported[0][i] - exported[1][i]));
    }
    assertTrue(largest > 1e-3, "trained on 2 sampled frames as on all: " + largest);
  }

  @Test
  void aTeacherOfOtherFeaturesOrClassesIsRefused() throws Exception {
    try (ExportedModel loaded = ExportedModel.load(teacherDir.resolve(teacher.lastExport()),
        1)) {
      ModelFlags frames = new ModelFlags("FrameLevelLogisticModel",
          FeatureSpec.parse("rgb", "64"), true, "CrossEntropyLoss", CLASSES + 1,
          ModelConfig.DEFAULTS);
      String message = assertThrows(IllegalArgumentException.class,
          () -> Distillation.of(loaded, frames)).getMessage();
      assertTrue(message.startsWith("cannot distil from LogisticModel at " + teacherDir),
          message);
      assertTrue(message.contains("it reads video-level features, the student frame-level "
          + "ones") && message.contains("of sizes [48, 16], the student's [rgb] of sizes [64]")
          && message.contains("it scores 40 classes, the student 41"), message);
    }
    assertEquals(0f, TEACHER.recipe().distillWeight());
  }
}
