package org.yt8m.model.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.train.ModelFlags;

/**
 * Ensembles of exports with known weights score the weighted mean of their members'
 * probabilities, worked out by hand, through both signatures; a float16 re-export stores half
 * the bytes and scores as its float32 original to half precision.
 */
class EnsembleExportTest {
  static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");
  static final FeatureSpec FRAMES = FeatureSpec.parse("rgb,audio", "3,2");
  static final int CLASSES = 7;
  static final KnownModels.Weights A = KnownModels.Weights.random(6, CLASSES, 5);
  static final KnownModels.Weights B = KnownModels.Weights.random(6, CLASSES, 8);

  @TempDir
  static Path dir;
  static Path videoA;
  static Path videoB;

  @BeforeAll
  static void export() throws Exception {
    videoA = KnownModels.export(dir.resolve("a"), Models.LOGISTIC, VIDEO, A, 3);
    videoB = KnownModels.export(dir.resolve("b"), Models.LOGISTIC, VIDEO, B, 5);
  }

  static List<VideoRecord> videos(int count) {
    SplittableRandom random = new SplittableRandom(9);
    List<VideoRecord> videos = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      float[] features = new float[6];
      for (int d = 0; d < features.length; d++) {
        features[d] = (float) random.nextDouble(-2, 2);
      }
      videos.add(VideoRecord.of("v" + v, new int[] {v % CLASSES}, features));
    }
    return videos;
  }

  /** Writes the ensemble to a new directory with the first member's flags, as a loader needs. */
  static Path ensemble(String name, ExportPrecision precision, EnsembleExport.Member... members)
      throws Exception {
    Path target = dir.resolve(name);
    EnsembleExport.write(List.of(members), precision, target);
    Files.copy(members[0].dir().resolve(ModelFlags.FILE_NAME),
        target.resolve(ModelFlags.FILE_NAME));
    return target;
  }

  static EnsembleExport.Member member(Path export, double weight) {
    return new EnsembleExport.Member(export, export.toString(), weight);
  }

  @Test
  void scoresTheWeightedMeanOfItsMembers() throws Exception {
    Path ensemble = ensemble("mean", ExportPrecision.FLOAT32, member(videoA, 1),
        member(videoB, 3));
    List<VideoRecord> videos = videos(12);
    try (ExportedModel model = ExportedModel.load(ensemble, 1)) {
      TopKBatch top = model.score(videos, CLASSES);
      for (int v = 0; v < videos.size(); v++) {
        double[] a = KnownModels.probabilities(videos.get(v).features(), A);
        double[] b = KnownModels.probabilities(videos.get(v).features(), B);
        for (int i = 0; i < CLASSES; i++) {
          int c = top.classesOf(v)[i];
          assertEquals(0.25 * a[c] + 0.75 * b[c], top.scoresOf(v)[i], 1e-6,
              "video " + v + " class " + c);
        }
      }
      ExportedModel.Evaluation evaluation = model.evaluate(videos, 3);
      for (int v = 0; v < videos.size(); v++) {
        double[] a = KnownModels.probabilities(videos.get(v).features(), A);
        double[] b = KnownModels.probabilities(videos.get(v).features(), B);
        double loss = 0;
        for (int c = 0; c < CLASSES; c++) {
          double p = 0.25 * a[c] + 0.75 * b[c];
          loss -= c == v % CLASSES ? Math.log(p + 1e-5) : Math.log(1 - p + 1e-5);
        }
        assertEquals(loss, evaluation.losses()[v], 1e-4, "the loss of video " + v);
      }
    }
  }

  @Test
  void combinesFrameLevelMembersFedFromOneInput() throws Exception {
    KnownModels.Weights c = KnownModels.Weights.random(5, CLASSES, 11);
    KnownModels.Weights d = KnownModels.Weights.random(5, CLASSES, 12);
    Path frameC = KnownModels.export(dir.resolve("c"), Models.FRAME_LEVEL_LOGISTIC, FRAMES, c, 1);
    Path frameD = KnownModels.export(dir.resolve("d"), Models.FRAME_LEVEL_LOGISTIC, FRAMES, d, 1);
    Path ensemble = ensemble("frames", ExportPrecision.FLOAT32, member(frameC, 1),
        member(frameD, 1));
    SplittableRandom random = new SplittableRandom(4);
    List<FrameRecord> videos = new ArrayList<>();
    for (int v = 0; v < 5; v++) {
      int frames = 1 + v;
      byte[] quantized = new byte[frames * 5];
      for (int i = 0; i < quantized.length; i++) {
        quantized[i] = (byte) random.nextInt(256);
      }
      videos.add(FrameRecord.of("f" + v, new int[0], frames, 5, quantized));
    }
    try (ExportedModel model = ExportedModel.load(ensemble, 1)) {
      TopKBatch top = model.score(videos, CLASSES);
      for (int v = 0; v < videos.size(); v++) {
        double[] pc = KnownModels.probabilities(videos.get(v), c);
        double[] pd = KnownModels.probabilities(videos.get(v), d);
        for (int i = 0; i < CLASSES; i++) {
          int k = top.classesOf(v)[i];
          assertEquals((pc[k] + pd[k]) / 2, top.scoresOf(v)[i], 1e-6, "video " + v);
        }
      }
    }
  }

  @Test
  void float16StoresHalfTheWeightsAndScoresAsTheOriginal() throws Exception {
    Path compact = dir.resolve("compact");
    copy(videoA, compact);
    EnsembleExport.recast(compact, ExportPrecision.FLOAT16);
    Files.copy(videoA.resolve(ModelFlags.FILE_NAME), compact.resolve(ModelFlags.FILE_NAME));
    List<DataType> stored = new ArrayList<>();
    try (InputStream in = Files.newInputStream(compact.resolve("saved_model.pb"))) {
      for (NodeDef node : SavedModel.parseFrom(in).getMetaGraphs(0).getGraphDef()
          .getNodeList()) {
        if (node.getOp().equals("VariableV2")) {
          stored.add(node.getAttrOrThrow("dtype").getType());
        }
      }
    }
    assertEquals(List.of(DataType.DT_HALF, DataType.DT_HALF), stored,
        "the weights and biases, in half precision; no optimizer slots");
    long original = ExportFacts.of(videoA, ExportPrecision.FLOAT32).sizeBytes();
    long half = ExportFacts.of(compact, ExportPrecision.FLOAT16).sizeBytes();
    assertTrue(half < original, half + " bytes, the original " + original);
    List<VideoRecord> videos = videos(12);
    try (ExportedModel model = ExportedModel.load(compact, 1)) {
      TopKBatch top = model.score(videos, CLASSES);
      for (int v = 0; v < videos.size(); v++) {
        double[] a = KnownModels.probabilities(videos.get(v).features(), A);
        for (int i = 0; i < CLASSES; i++) {
          assertEquals(a[top.classesOf(v)[i]], top.scoresOf(v)[i], 2e-3, "video " + v);
        }
      }
    }
  }

  @Test
  void refusesMembersThatTakeOtherInputs() throws Exception {
    Path wide = KnownModels.export(dir.resolve("wide"), Models.LOGISTIC,
        FeatureSpec.parse("mean_rgb,mean_audio", "5,2"), KnownModels.Weights.random(7, CLASSES,
            1), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnsembleExport.write(List.of(member(videoA, 1), member(wide, 1)),
            ExportPrecision.FLOAT32, dir.resolve("refused")));
    assertTrue(e.getMessage().contains(wide.toString()) && e.getMessage().contains("features"),
        e.getMessage());
    assertTrue(Files.notExists(dir.resolve("refused")));
  }

  @Test
  void refusesWeightsThatAreNegativeOrAllZero() {
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> member(videoA, -1));
    assertTrue(negative.getMessage().contains(videoA.toString()), negative.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> EnsembleExport.write(List.of(member(videoA, 0), member(videoB, 0)),
            ExportPrecision.FLOAT32, dir.resolve("zero")));
    assertTrue(zero.getMessage().contains("sum to 0"), zero.getMessage());
  }

  static void copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!file.getFileName().toString().equals(ModelFlags.FILE_NAME)) {
          Files.copy(file, to.resolve(from.relativize(file).toString()));
        }
      }
    }
  }
}
