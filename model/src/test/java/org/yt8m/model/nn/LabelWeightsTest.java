package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Label weights: a class of weight 0 adds nothing to the loss, nor any gradient. */
class LabelWeightsTest {
  private static final float[] WEIGHTS = {1, 0, 1, 0, 1, 1};

  @ParameterizedTest
  @EnumSource(value = LabelLoss.class, names = {"CROSS_ENTROPY", "HINGE"})
  void anUnratedClassContributesNothing(LabelLoss labelLoss) {
    float[] p = {0.9f, 0.2f, 0.3f, 0.6f, 0.5f, 0.1f};
    float[] y = {1, 0, 0, 1, 1, 0};
    float[] otherUnrated = p.clone();
    otherUnrated[1] = 0.99f;
    otherUnrated[3] = 0.01f;
    float[] otherTargets = y.clone();
    otherTargets[1] = 1;
    otherTargets[3] = 0;

    float[] base = run(labelLoss, p, y, WEIGHTS);
    assertEquals(base[0], run(labelLoss, otherUnrated, otherTargets, WEIGHTS)[0], 0f);
    assertEquals(0f, base[2], 0f, "no gradient reaches an unrated class");
    assertEquals(0f, base[4], 0f, "no gradient reaches an unrated class");
    assertNotEquals(0f, base[1]);
    assertNotEquals(base[0], run(labelLoss, otherUnrated, otherTargets,
        new float[] {1, 1, 1, 1, 1, 1})[0], "with every class rated, they count");
  }

  @ParameterizedTest
  @EnumSource(LabelLoss.class)
  void weightsOfOneAreTheStartersLoss(LabelLoss labelLoss) {
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> probabilities = tf.constant(new float[][] {{0.9f, 0.2f, 0.3f},
          {0.6f, 0.5f, 0.1f}});
      Operand<TFloat32> labels = tf.constant(new float[][] {{1, 0, 0}, {1, 1, 0}});
      Operand<TFloat32> plain = labelLoss.loss(tf, probabilities, labels);
      Operand<TFloat32> weighted = labelLoss.loss(tf, probabilities, labels,
          tf.fill(tf.constant(new int[] {1, 3}), tf.constant(1f)));
      try (Result result = session.runner().fetch(plain).fetch(weighted).run()) {
        assertEquals(((TFloat32) result.get(0)).getFloat(),
            ((TFloat32) result.get(1)).getFloat(), 0f);
      }
    }
  }

  /**
   * The weighted loss of 2 x 3 cells, then its gradient with respect to each probability, row
   * by row.
   */
  private static float[] run(LabelLoss labelLoss, float[] p, float[] y, float[] w) {
    try (Graph g = new Graph(); Session session = new Session(g);
        TFloat32 probabilities = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(p));
        TFloat32 targets = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(y));
        TFloat32 weights = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(w))) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> pIn = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> yIn = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> wIn = tf.placeholder(TFloat32.class);
      Operand<TFloat32> loss = labelLoss.loss(tf, pIn, yIn, wIn);
      Output<?>[] gradient = g.addGradients(loss.asOutput(), new Output<?>[] {pIn.asOutput()});
      try (Result result = session.runner().feed(pIn, probabilities).feed(yIn, targets)
          .feed(wIn, weights).fetch(loss).fetch(gradient[0]).run()) {
        float[] out = new float[7];
        out[0] = ((TFloat32) result.get(0)).getFloat();
        ((TFloat32) result.get(1)).copyTo(DataBuffers.of(out, false, false).offset(1));
        return out;
      }
    }
  }
}
