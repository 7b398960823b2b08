package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The training recipe's knobs in the graph: the warmup's applied rates, label smoothing's
 * losses against hand-computed values, the distillation term, and the weight average the
 * exports carry (the debiased average of the weights after each step, swapped in and out).
 */
class RecipeTest {
  private static final TinyData DATA = new TinyData(64, 6, 4, 0, 3L);

  private static TrainingGraph.Spec spec(LabelLoss loss, OptimizerKind optimizer,
      TrainingGraph.Recipe recipe) {
    return new TrainingGraph.Spec(Models.LOGISTIC, TrainingGraphTest.TINY, 6, 4, loss, 1f,
        optimizer, 0.05f, 0.5f, 128L, 64, 0f, 7L).withRecipe(recipe);
  }

  /**
   * Warmup over 4 steps, then the staircase (64 examples a step, halved every 128): the rate
   * each training step applies, fetched in the step itself.
   */
  @Test
  void warmupRisesLinearlyThenTheScheduleGoesOn() {
    TrainingGraph.Spec spec = spec(LabelLoss.CROSS_ENTROPY, OptimizerKind.SGD,
        TrainingGraph.Recipe.NONE.withWarmupSteps(4));
    float[] expected = {0.0125f, 0.025f, 0.025f * 0.75f, 0.025f, 0.0125f, 0.0125f};
    try (Graph g = new Graph(); Session session = new Session(g)) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      session.initialize();
      for (int step = 0; step < expected.length; step++) {
        try (TFloat32 x = DATA.featureTensor(); TFloat32 y = DATA.labelTensor();
            Result r = session.runner().feed(graph.features(), x).feed(graph.labels(), y)
                .addTarget(graph.trainStep()).fetch(graph.learningRate()).run()) {
          assertEquals(expected[step], ((TFloat32) r.get(0)).getFloat(), 1e-7,
              "the rate step " + step + " applied");
        }
      }
    }
  }

  @Test
  void crossEntropyWithLabelSmoothingMatchesHandComputedLosses() {
    float[] p = {0.8f, 0.3f, 0.1f, 0.6f};
    float[] y = {1, 0, 0, 1};
    // ε = 0.2: targets 0.9 and 0.1; loss = Σ −[t log(p+1e-5) + (1−t) log(1−p+1e-5)].
    double expected = 0;
    for (int c = 0; c < 4; c++) {
      double t = y[c] == 1 ? 0.9 : 0.1;
      expected -= t * Math.log(p[c] + 1e-5) + (1 - t) * Math.log(1 - p[c] + 1e-5);
    }
    assertEquals(expected, loss(LabelLoss.CROSS_ENTROPY, p, y, 0.2f), 1e-5);
    assertEquals(-(Math.log(0.80001) + Math.log(0.70001) + Math.log(0.90001)
        + Math.log(0.60001)), loss(LabelLoss.CROSS_ENTROPY, p, y, 0f), 1e-5);
  }

  @Test
  void softmaxWithLabelSmoothingMatchesHandComputedLosses() {
    float[] p = {0.8f, 0.3f, 0.1f, 0.6f};
    float[] y = {1, 0, 0, 1};
    // ε = 0.2 over 4 classes: targets 0.5·0.8 + 0.05 = 0.45 for labels, 0.05 elsewhere.
    double[] logSoftmax = new double[4];
    double sum = 0;
    for (float v : p) {
      sum += Math.exp(v);
    }
    for (int c = 0; c < 4; c++) {
      logSoftmax[c] = p[c] - Math.log(sum);
    }
    double expected = -(0.45 * logSoftmax[0] + 0.05 * logSoftmax[1] + 0.05 * logSoftmax[2]
        + 0.45 * logSoftmax[3]);
    assertEquals(expected, loss(LabelLoss.SOFTMAX, p, y, 0.2f), 1e-5);
    assertEquals(0, loss(LabelLoss.SOFTMAX, p, new float[4], 0.2f), 1e-7,
        "a video without labels has nothing to smooth");
  }

  @Test
  void hingeLossHasNoLabelSmoothing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spec(LabelLoss.HINGE, OptimizerKind.ADAM,
            TrainingGraph.Recipe.NONE.withLabelSmoothing(0.1f)));
    assertTrue(e.getMessage().contains("HingeLoss"), e.getMessage());
  }

  /** The graph's training loss with label smoothing is the smoothed loss; evaluation's is not. */
  @Test
  void theTrainingLossIsSmoothedAndTheServingLossIsNot() {
    try (Graph g = new Graph(); Session session = new Session(g)) {
      TrainingGraph graph = new TrainingGraph(g, spec(LabelLoss.CROSS_ENTROPY,
          OptimizerKind.ADAM, TrainingGraph.Recipe.NONE.withLabelSmoothing(0.2f)));
      session.initialize();
      try (TFloat32 x = DATA.featureTensor(); TFloat32 y = DATA.labelTensor();
          Result r = session.runner().feed(graph.features(), x).feed(graph.labels(), y)
              .fetch(graph.trainingProbabilities()).fetch(graph.labelLoss())
              .fetch(graph.servingLoss()).run()) {
        float[] p = new float[DATA.videos * 4];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(p, false, false));
        double smoothed = 0;
        double plain = 0;
        for (int v = 0; v < DATA.videos; v++) {
          float[] pv = Arrays.copyOfRange(p, v * 4, v * 4 + 4);
          float[] yv = Arrays.copyOfRange(DATA.labels, v * 4, v * 4 + 4);
          smoothed += loss(LabelLoss.CROSS_ENTROPY, pv, yv, 0.2f) / DATA.videos;
          plain += loss(LabelLoss.CROSS_ENTROPY, pv, yv, 0f);
          assertEquals(loss(LabelLoss.CROSS_ENTROPY, pv, yv, 0f),
              ((TFloat32) r.get(2)).getFloat(v), 1e-4);
        }
        assertEquals(smoothed, ((TFloat32) r.get(1)).getFloat(), 1e-4);
        assertNotEquals(plain / DATA.videos, smoothed, 1e-2);
      }
    }
  }

  /** The loss adds distillWeight times the cross-entropy against the teacher's probabilities. */
  @Test
  void distillationAddsTheWeightedLossAgainstTheTeacher() {
    float weight = 0.7f;
    float[] teacher = new float[DATA.videos * 4];
    Arrays.fill(teacher, 0.25f);
    try (Graph g = new Graph(); Session session = new Session(g)) {
      TrainingGraph graph = new TrainingGraph(g, new TrainingGraph.Spec(Models.LOGISTIC,
          TrainingGraphTest.TINY, 6, 4, LabelLoss.CROSS_ENTROPY, 0f, OptimizerKind.ADAM, 0.05f,
          0.5f, 128L, 64, 0f, 7L).withRecipe(TrainingGraph.Recipe.NONE
              .withDistillWeight(weight)));
      session.initialize();
      try (TFloat32 x = DATA.featureTensor(); TFloat32 y = DATA.labelTensor();
          TFloat32 t = TFloat32.tensorOf(Shape.of(DATA.videos, 4),
              DataBuffers.of(teacher, true, false));
          Result r = session.runner().feed(graph.features(), x).feed(graph.labels(), y)
              .feed(graph.teacherProbabilities(), t).fetch(graph.trainingProbabilities())
              .fetch(graph.labelLoss()).fetch(graph.loss()).run()) {
        float[] p = new float[DATA.videos * 4];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(p, false, false));
        double distilled = 0;
        for (int v = 0; v < DATA.videos; v++) {
          distilled += loss(LabelLoss.CROSS_ENTROPY,
              Arrays.copyOfRange(p, v * 4, v * 4 + 4),
              Arrays.copyOfRange(teacher, v * 4, v * 4 + 4), 0f) / DATA.videos;
        }
        assertEquals(((TFloat32) r.get(1)).getFloat() + weight * distilled,
            ((TFloat32) r.get(2)).getFloat(), 1e-4);
      }
    }
    try (Graph g = new Graph()) {
      assertEquals(null, new TrainingGraph(g, spec(LabelLoss.CROSS_ENTROPY,
          OptimizerKind.ADAM, TrainingGraph.Recipe.NONE)).teacherProbabilities());
    }
  }

  /**
   * With emaDecay d the averages after t steps equal {@code Σ d^(t−i)(1 − d)·w_i / (1 − d^t)}
   * of the weights after each step, computed here in double; useAverages puts them in the
   * weights and restoreTrained puts the last step's weights back.
   */
  @Test
  void theWeightAverageIsTheDebiasedAverageOfTheWeightsAfterEachStep() {
    float decay = 0.8f;
    try (Graph g = new Graph(); Session session = new Session(g)) {
      TrainingGraph graph = new TrainingGraph(g, spec(LabelLoss.CROSS_ENTROPY,
          OptimizerKind.ADAM, TrainingGraph.Recipe.NONE.withEmaDecay(decay)));
      WeightAverage average = graph.weightAverage().orElseThrow();
      List<String> weights = trainable(g);
      session.initialize();
      double[] weighted = null;
      double norm = 0;
      float[] last = null;
      for (int step = 0; step < 6; step++) {
        DATA.step(session, graph);
        last = values(session, weights);
        if (weighted == null) {
          weighted = new double[last.length];
        }
        for (int i = 0; i < last.length; i++) {
          weighted[i] = decay * weighted[i] + (1 - decay) * last[i];
        }
        norm = decay * norm + (1 - decay);
      }
      session.runner().addTarget(average.useAverages()).run();
      float[] averaged = values(session, weights);
      boolean differs = false;
      for (int i = 0; i < averaged.length; i++) {
        assertEquals(weighted[i] / norm, averaged[i], 1e-5, "weight element " + i);
        differs |= Math.abs(averaged[i] - last[i]) > 1e-4;
      }
      assertTrue(differs, "the average equals the last weights: nothing was averaged");
      session.runner().addTarget(average.restoreTrained()).run();
      float[] restored = values(session, weights);
      for (int i = 0; i < restored.length; i++) {
        assertEquals(last[i], restored[i], "weight element " + i);
      }
    }
  }

  /** The trainable weights' variables, by name: {@code <name>/variable} outside the optimizer. */
  private static List<String> trainable(Graph g) {
    List<String> names = new ArrayList<>();
    g.operations().forEachRemaining(op -> {
      if (op.type().equals("VariableV2") && op.name().endsWith("/variable")
          && !op.name().startsWith("optimizer")) {
        names.add(op.name());
      }
    });
    assertFalse(names.isEmpty());
    return names;
  }

  /** The variables' values, concatenated. */
  private static float[] values(Session session, List<String> names) {
    Session.Runner runner = session.runner();
    names.forEach(runner::fetch);
    List<Float> all = new ArrayList<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 value = (TFloat32) r.get(i);
        float[] copy = new float[Math.toIntExact(value.size())];
        value.copyTo(DataBuffers.of(copy, false, false));
        for (float v : copy) {
          all.add(v);
        }
      }
    }
    float[] values = new float[all.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = all.get(i);
    }
    return values;
  }

  /** The mean over one video of the loss of {@code p} against {@code y} smoothed by ε. */
  private static double loss(LabelLoss kind, float[] p, float[] y, float epsilon) {
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      var probabilities = tf.constant(new float[][] {p});
      var labels = tf.constant(new float[][] {y});
      try (Result r = session.runner().fetch(kind.loss(tf, probabilities,
          kind.smoothed(tf, labels, epsilon))).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }
}
