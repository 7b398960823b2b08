package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

class TrainingGraphTest {
  /**
   * Sizes small enough to train in a test: 8 frames, 6 clusters, 8 LSTM cells; NetVLAD of 4
   * clusters with gating, NeXtVLAD of 4 groups (λ = 2 over 6 features) of 4 clusters.
   */
  static final ModelConfig TINY = new ModelConfig(2, 5, true, true, 6, 5, "max", "sigmoid",
      "MoeModel", 8, 2, 8).withNetVlad(new ModelConfig.NetVlad(4, 8, true, true))
      .withNextVlad(new ModelConfig.NeXtVlad(4, 8, 2, 4, 0.2f, 2));

  static TrainingGraph.Spec spec(Models model, LabelLoss loss, OptimizerKind optimizer,
      ModelConfig config) {
    return new TrainingGraph.Spec(model, config, 6, 4, loss, 1f, optimizer, 0.05f, 0.95f,
        4_000_000L, 64, 1f, 7L);
  }

  static TinyData data(Models model) {
    return new TinyData(64, 6, 4, model.frameLevel() ? 8 : 0, 3L);
  }

  @ParameterizedTest
  @EnumSource(Models.class)
  void everyModelBuildsAndItsLossFalls(Models model) {
    assertLossFalls(spec(model, LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM, TINY),
        data(model), 40);
  }

  @ParameterizedTest
  @EnumSource(LabelLoss.class)
  void everyLabelLossTrains(LabelLoss loss) {
    assertLossFalls(spec(Models.MOE, loss, OptimizerKind.ADAM, TINY), data(Models.MOE), 40);
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void everyOptimizerTrains(OptimizerKind optimizer) {
    TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.LOGISTIC, TINY, 6, 4,
        LabelLoss.CROSS_ENTROPY, 1f, optimizer, 0.5f, 0.95f, 4_000_000L, 64, 1f, 7L);
    assertLossFalls(spec, data(Models.LOGISTIC), 40);
  }

  @Test
  void dbofWithoutBatchNormAndWithSequencesAndRelu6Trains() {
    ModelConfig config = new ModelConfig(2, 5, false, false, 6, 5, "average", "relu6",
        "LogisticModel", 8, 1, 8);
    assertLossFalls(spec(Models.DBOF, LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM, config),
        data(Models.DBOF), 40);
  }

  @Test
  void netVladWithoutBatchNormAndWithGatingTrains() {
    ModelConfig config = TINY.withNetVlad(new ModelConfig.NetVlad(4, 8, false, true));
    assertLossFalls(spec(Models.NETVLAD, LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM, config),
        data(Models.NETVLAD), 40);
  }

  @ParameterizedTest
  @EnumSource(value = Models.class, names = {"NETVLAD", "NEXTVLAD"})
  void clusterPoolingOverTwoFeaturesTrains(Models model) {
    assertLossFalls(spec(model, LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM,
        TINY.withFeatureSizes(java.util.List.of(4, 2))), data(model), 40);
  }

  @Test
  void gatedMoeTrains() {
    assertLossFalls(spec(Models.MOE, LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM,
        TINY.withMoeGating(true)), data(Models.MOE), 40);
  }

  @Test
  void learningRateDecaysInStairsOfExamples() {
    // 64 examples a step, decay every 128 examples: steps 0-1 at 0.05, steps 2-3 at 0.05·0.5.
    TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.LOGISTIC, TINY, 6, 4,
        LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.SGD, 0.05f, 0.5f, 128L, 64, 1f, 7L);
    TinyData data = data(Models.LOGISTIC);
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      try (Session session = new Session(g)) {
        session.initialize();
        float[] rates = new float[4];
        for (int i = 0; i < 4; i++) {
          try (Result r = session.runner().fetch(graph.learningRate()).run()) {
            rates[i] = ((TFloat32) r.get(0)).getFloat();
          }
          data.step(session, graph);
        }
        assertEquals(0.05f, rates[0]);
        assertEquals(0.05f, rates[1]);
        assertEquals(0.025f, rates[2]);
        assertEquals(0.025f, rates[3]);
        try (Result r = session.runner().fetch(graph.globalStep()).run()) {
          assertEquals(4L, ((TInt64) r.get(0)).getLong());
        }
      }
    }
  }

  @Test
  void servingTopKIsSortedAndMatchesTheProbabilities() {
    TinyData data = data(Models.MOE);
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec(Models.MOE, LabelLoss.CROSS_ENTROPY,
          OptimizerKind.ADAM, TINY));
      try (Session session = new Session(g)) {
        session.initialize();
        try (TFloat32 x = data.featureTensor(); TInt32 k = TInt32.scalarOf(3);
            Result r = session.runner().feed(graph.features(), x).feed(graph.topK(), k)
                .fetch(graph.servingProbabilities()).fetch(graph.topClasses())
                .fetch(graph.topScores()).run()) {
          TFloat32 p = (TFloat32) r.get(0);
          TInt32 classes = (TInt32) r.get(1);
          TFloat32 scores = (TFloat32) r.get(2);
          for (int v = 0; v < data.videos; v++) {
            for (int j = 0; j < 3; j++) {
              assertEquals(p.getFloat(v, classes.getInt(v, j)), scores.getFloat(v, j));
              if (j > 0) {
                assertTrue(scores.getFloat(v, j - 1) >= scores.getFloat(v, j));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void unknownNamesListTheChoices() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Models.byName("Nope"))
        .getMessage().contains("LogisticModel, MoeModel, FrameLevelLogisticModel, DbofModel, "
            + "LstmModel, NetVladModel, NeXtVladModel"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelLoss.byName("L1"))
        .getMessage().contains("CrossEntropyLoss, HingeLoss, SoftmaxLoss"));
    assertEquals(OptimizerKind.ADAM, OptimizerKind.byName("AdamOptimizer"));
    assertEquals(OptimizerKind.SGD, OptimizerKind.byName("sgd"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.byName("Lion")).getMessage().contains("AdagradOptimizer"));
  }

  static void assertLossFalls(TrainingGraph.Spec spec, TinyData data, int steps) {
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      try (Session session = new Session(g)) {
        session.initialize();
        float first = data.step(session, graph);
        float last = first;
        for (int i = 1; i < steps; i++) {
          last = data.step(session, graph);
        }
        assertTrue(Float.isFinite(first) && Float.isFinite(last), first + " → " + last);
        assertTrue(last < 0.85f * first, spec.model() + " loss " + first + " → " + last);
      }
    }
  }
}
