package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * NetVladModel and NeXtVladModel: only a video's real frames count, each feature is aggregated
 * apart, and their sizes are the papers' parameter formulas.
 */
class ClusterPoolingTest {
  /** Small sizes ending with LogisticModel, whose count is plain. */
  private static final ModelConfig LOGISTIC_CLASSIFIER = new ModelConfig(2, 5, true, true, 6,
      5, "max", "sigmoid", "LogisticModel", 8, 2, 8);
  /**
   * TINY without dropout, so that two runs of the training tower draw nothing different, over
   * two features (4 and 2 wide) aggregated apart.
   */
  private static final ModelConfig NO_DROPOUT = TrainingGraphTest.TINY.withNextVlad(
      new ModelConfig.NeXtVlad(4, 8, 2, 4, 0f, 2)).withFeatureSizes(List.of(4, 2));

  /**
   * The same videos scored in a batch padded to 8 frames with zeros and in one padded to 12
   * with noise past each video's frames: both towers give the same probabilities, so padding
   * neither enters the VLAD sums nor batch norm's batch statistics.
   */
  @ParameterizedTest
  @EnumSource(value = Models.class, names = {"NETVLAD", "NEXTVLAD"})
  void paddedFramesDoNotCount(Models model) {
    TinyData data = TrainingGraphTest.data(model);
    int longer = data.frames + 4;
    float[] noisy = new float[data.videos * longer * data.featureSize];
    Random random = new Random(11L);
    for (int v = 0; v < data.videos; v++) {
      for (int f = 0; f < longer; f++) {
        for (int d = 0; d < data.featureSize; d++) {
          noisy[(v * longer + f) * data.featureSize + d] = f < data.numFrames[v]
              ? data.features[(v * data.frames + f) * data.featureSize + d]
              : (float) random.nextGaussian();
        }
      }
    }
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, TrainingGraphTest.spec(model,
          LabelLoss.CROSS_ENTROPY, OptimizerKind.ADAM, NO_DROPOUT));
      try (Session session = new Session(g)) {
        session.initialize();
        for (int i = 0; i < 5; i++) {
          data.step(session, graph);
        }
        float[][] zeroPadded;
        try (TFloat32 x = data.featureTensor()) {
          zeroPadded = probabilities(session, graph, x, data);
        }
        float[][] noisePadded;
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(data.videos, longer, data.featureSize),
            DataBuffers.of(noisy, true, false))) {
          noisePadded = probabilities(session, graph, x, data);
        }
        assertArrayEquals(zeroPadded[0], noisePadded[0], 1e-5f, "training tower");
        assertArrayEquals(zeroPadded[1], noisePadded[1], 1e-5f, "serving tower");
        assertFalse(java.util.Arrays.equals(zeroPadded[0], zeroPadded[1]),
            "batch norm's averages moved away from the batch's statistics");
      }
    }
  }

  /**
   * NetVLAD's N·K·(H + 2) (cluster weights, centres, hidden layer; Lin et al. §3.2) plus
   * the biases that stand in for batch norm, then the logistic classifier.
   */
  @Test
  void netVladHasThePapersParameterCount() {
    long n = 6;
    long k = 4;
    long h = 8;
    long c = 4;
    ModelConfig config = LOGISTIC_CLASSIFIER.withNetVlad(new ModelConfig.NetVlad(4, 8, false,
        false));
    long biases = k + h;
    long classifier = h * c + c;
    assertEquals(n * k * (h + 2) + biases + classifier, count(Models.NETVLAD, config));

    ModelConfig gated = config.withNetVlad(new ModelConfig.NetVlad(4, 8, true, true));
    long batchNorms = 2 * n + 2 * k + 2 * h + 2 * h;
    long gating = h * h;
    assertEquals(n * k * (h + 2) + batchNorms + gating + classifier,
        count(Models.NETVLAD, gated));

    // rgb (4 wide) with K clusters, audio (2 wide) with K/2, each with its own weights and
    // centres, one hidden layer over both.
    long twoFeatures = 4 * k * (h + 2) + 2 * (k / 2) * (h + 2);
    assertEquals(twoFeatures + k + k / 2 + h + classifier,
        count(Models.NETVLAD, config.withFeatureSizes(List.of(4, 2))));
  }

  /**
   * NeXtVLAD's λN·(N + G + K·(G + (H + 1)/G)) (expansion, attention, cluster weights, centres
   * and hidden layer; Lin et al. §3.2) for each feature, rgb with G groups and K clusters and
   * audio with G/2 and K/2 as the authors' code, plus the layers' biases and batch norms, the
   * SE gate and the logistic classifier.
   */
  @Test
  void neXtVladHasThePapersParameterCount() {
    long lambda = 2;
    long g = 4;
    long k = 4;
    long h = 8;
    long r = 2;
    long c = 4;
    ModelConfig config = LOGISTIC_CLASSIFIER.withNextVlad(new ModelConfig.NeXtVlad(
        (int) k, (int) h, (int) lambda, (int) g, 0.5f, (int) r));
    long shared = 2 * h + 2 * (h / r) + 2 * h * (h / r) + h * c + c;
    assertEquals(neXtVlad(6, lambda, g, k, h) + shared, count(Models.NEXTVLAD, config));
    assertEquals(neXtVlad(4, lambda, g, k, h) + neXtVlad(2, lambda, g / 2, k / 2, h) + shared,
        count(Models.NEXTVLAD, config.withFeatureSizes(List.of(4, 2))));
  }

  /** One feature's part: the paper's formula, then its biases and batch norms. */
  private static long neXtVlad(long n, long lambda, long g, long k, long h) {
    long paper = lambda * n * n + lambda * n * g + lambda * n * k * g
        + lambda * n * k * (h + 1) / g;
    long biases = lambda * n + g;
    long batchNorms = 2 * g * k + 2 * (lambda * n / g) * k;
    return paper + biases + batchNorms;
  }

  @Test
  void neXtVladNeedsGroupsThatDivideTheExpandedFeatures() {
    ModelConfig config = TrainingGraphTest.TINY.withNextVlad(new ModelConfig.NeXtVlad(4, 8, 2,
        5, 0.5f, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> count(Models.NEXTVLAD, config));
    assertTrue(e.getMessage().contains("must divide by its groups (5)"), e.getMessage());
  }

  private static long count(Models model, ModelConfig config) {
    try (Graph g = new Graph()) {
      return new TrainingGraph(g, new TrainingGraph.Spec(model, config, 6, 4,
          LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM, 0.01f, 0.95f, 1000L, 8, 1f, 1L))
          .parameterCount();
    }
  }

  /** The training and the serving tower's probabilities of {@code x}. */
  private static float[][] probabilities(Session session, TrainingGraph graph, TFloat32 x,
      TinyData data) {
    float[][] both = new float[2][data.videos * data.numClasses];
    try (TInt32 frames = data.numFramesTensor();
        Result r = session.runner().feed(graph.features(), x)
            .feed(graph.numFrames(), frames).fetch(graph.trainingProbabilities())
            .fetch(graph.servingProbabilities()).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(both[0], false, false));
      ((TFloat32) r.get(1)).copyTo(DataBuffers.of(both[1], false, false));
    }
    return both;
  }
}
