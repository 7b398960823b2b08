package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.TrainDir;

/**
 * The export contract: what {@link Exports} writes loads as a SavedModel whose
 * {@value ServingSignature#KEY} gives exactly what the training graph's serving tower gives,
 * batch norm's moving averages (trained away from their initial values), DbofModel's
 * seeded frame sampling and NeXtVladModel's training-only dropout included.
 */
class ExportMatchesTrainingGraphTest {

  @ParameterizedTest
  @EnumSource(Models.class)
  void theExportedModelScoresAsTheTrainingGraph(Models model, @TempDir Path trainDir)
      throws Exception {
    assertExportScoresAsTheTrainingGraph(model, TrainingGraphTest.TINY, trainDir);
  }

  @Test
  void theGatedMoeExportScoresAsTheTrainingGraph(@TempDir Path trainDir) throws Exception {
    assertExportScoresAsTheTrainingGraph(Models.MOE, TrainingGraphTest.TINY.withMoeGating(true),
        trainDir);
  }

  private static void assertExportScoresAsTheTrainingGraph(Models model, ModelConfig config,
      Path trainDir) throws Exception {
    TinyData data = TrainingGraphTest.data(model);
    TrainingGraph.Spec spec = TrainingGraphTest.spec(model, LabelLoss.CROSS_ENTROPY,
        OptimizerKind.ADAM, config);
    ModelFlags flags = new ModelFlags(model.starterName(), FeatureSpec.parse(
        model.frameLevel() ? "rgb" : "mean_rgb", "6"), model.frameLevel(), "CrossEntropyLoss",
        4, config);
    float[] expectedProbabilities = new float[data.videos * 4];
    int[] expectedClasses = new int[data.videos * 3];
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      try (Session session = new Session(g)) {
        session.initialize();
        for (int i = 0; i < 5; i++) {
          data.step(session, graph);
        }
        try (Result r = serve(data, graph, session)) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(expectedProbabilities, false, false));
          ((TInt32) r.get(1)).copyTo(DataBuffers.of(expectedClasses, false, false));
        }
        new Exports(TrainDir.local(trainDir)).export(session, graph.signatures(), flags,
            RunId.LEGACY, 5, trainDir.resolve("scratch"));
      }
    }
    Path export = trainDir.resolve("export/step_5");
    float[] probabilities = new float[data.videos * 4];
    int[] classes = new int[data.videos * 3];
    try (SavedModelBundle loaded = SavedModelBundle.load(export.toString(),
            ServingSignature.TAG);
        TFloat32 x = data.featureTensor(); TInt32 frames = data.numFramesTensor();
        TInt32 k = TInt32.scalarOf(3)) {
      Map<String, Tensor> inputs = new HashMap<>();
      inputs.put(ServingSignature.FEATURES, x);
      inputs.put(ServingSignature.TOP_K, k);
      if (model.frameLevel()) {
        inputs.put(ServingSignature.NUM_FRAMES, frames);
      }
      try (Result r = loaded.function(ServingSignature.KEY).call(inputs)) {
        ((TFloat32) r.get(ServingSignature.PROBABILITIES).orElseThrow())
            .copyTo(DataBuffers.of(probabilities, false, false));
        ((TInt32) r.get(ServingSignature.TOP_CLASSES).orElseThrow())
            .copyTo(DataBuffers.of(classes, false, false));
      }
    }
    assertArrayEquals(expectedProbabilities, probabilities);
    assertArrayEquals(expectedClasses, classes);
    assertLossIsCrossEntropy(export, data, model, probabilities);
    assertEquals(flags, ModelFlags.fromJson(java.nio.file.Files.readString(
        export.resolve(ModelFlags.FILE_NAME)), "export"));
  }

  /**
   * The {@value ServingSignature#EVALUATE_KEY} signature's loss is each video's cross entropy
   * (ε = 1e-5, summed over classes) of the probabilities, computed here in double.
   */
  private static void assertLossIsCrossEntropy(Path export, TinyData data, Models model,
      float[] probabilities) {
    float[] loss = new float[data.videos];
    try (SavedModelBundle loaded = SavedModelBundle.load(export.toString(),
            ServingSignature.TAG);
        TFloat32 x = data.featureTensor(); TInt32 frames = data.numFramesTensor();
        TFloat32 y = data.labelTensor(); TInt32 k = TInt32.scalarOf(3)) {
      Map<String, Tensor> inputs = new HashMap<>();
      inputs.put(ServingSignature.FEATURES, x);
      inputs.put(ServingSignature.TOP_K, k);
      inputs.put(ServingSignature.LABELS, y);
      if (model.frameLevel()) {
        inputs.put(ServingSignature.NUM_FRAMES, frames);
      }
      try (Result r = loaded.function(ServingSignature.EVALUATE_KEY).call(inputs)) {
        ((TFloat32) r.get(ServingSignature.LOSS).orElseThrow())
            .copyTo(DataBuffers.of(loss, false, false));
      }
    }
    for (int v = 0; v < data.videos; v++) {
      double expected = 0;
      for (int c = 0; c < 4; c++) {
        double p = probabilities[v * 4 + c];
        double label = data.labels[v * 4 + c];
        expected -= label * Math.log(p + 1e-5) + (1 - label) * Math.log(1 - p + 1e-5);
      }
      assertEquals(expected, loss[v], 1e-5 * Math.max(1, expected), "video " + v);
    }
  }

  private static Result serve(TinyData data, TrainingGraph graph, Session session) {
    try (TFloat32 x = data.featureTensor(); TInt32 frames = data.numFramesTensor();
        TInt32 k = TInt32.scalarOf(3)) {
      Session.Runner runner = session.runner().feed(graph.features(), x)
          .feed(graph.topK(), k);
      if (data.frameLevel()) {
        runner.feed(graph.numFrames(), frames);
      }
      return runner.fetch(graph.servingProbabilities()).fetch(graph.topClasses()).run();
    }
  }
}
