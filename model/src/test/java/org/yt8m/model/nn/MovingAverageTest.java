package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Batch norm's moving averages are zero-debiased: after t updates the variable holds
 * {@code Σ d^(t−i)(1 − d)·x_i / (1 − d^t)}, computed here in double, whatever its initial value.
 */
class MovingAverageTest {

  @Test
  void theAverageIsTheDebiasedExponentialAverageFromTheFirstStep() {
    float decay = 0.999f;
    double[] observed = {3.0, -1.0, 0.5, 10.0, 2.0};
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> completed = tf.placeholder(TInt64.class,
          Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1)));
      Parameters parameters = new Parameters(tf, 1L,
          MovingAverage.zeroDebiased(tf, completed, decay));
      // Starts at 1, as a moving variance does: the first update must forget it entirely.
      parameters.state("average", Shape.of(1), Parameters.Init.ONES);
      parameters.updateAverage("average", x);
      session.initialize();
      double weighted = 0;
      double weights = 0;
      for (int t = 0; t < observed.length; t++) {
        try (TInt64 step = TInt64.scalarOf(t);
            TFloat32 value = TFloat32.vectorOf((float) observed[t])) {
          session.runner().feed(completed, step).feed(x, value)
              .addTarget(parameters.updates().get(0)).run();
        }
        weighted = decay * weighted + (1 - decay) * observed[t];
        weights = decay * weights + (1 - decay);
        try (Result r = session.runner().fetch(parameters.read("average")).run()) {
          assertEquals(weighted / weights, ((TFloat32) r.get(0)).getFloat(0), 2e-4,
              "after step " + (t + 1));
        }
      }
    }
  }

  @Test
  void aDecayOutsideZeroToOneIsRefused() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MovingAverage.zeroDebiased(tf, tf.constant(0L), 1f));
      assertEquals("batchNormDecay must be in [0, 1), got 1.0", e.getMessage());
    }
  }
}
