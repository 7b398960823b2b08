package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * How batch norm's moving averages take in each training step's batch statistics: an
 * exponential moving average with decay {@code d}, zero-debiased as Adam's moments and
 * TensorFlow's {@code assign_moving_average(zero_debias=True)} are.
 *
 * <p>The starter (slim's {@code batch_norm}) starts the averages at 0 and 1 and updates
 * {@code a ← d·a + (1 − d)·x}, so after {@code t} steps they hold only {@code 1 − d^t} of the
 * data (27% after 313 steps at 0.999) and serving normalises with numbers training never saw.
 * Here step {@code t} (counted from 1) updates {@code a ← a + w_t·(x − a)} with
 * {@code w_t = (1 − d)/(1 − d^t)}, which keeps {@code a} equal to the debiased average
 * {@code Σ d^(t−i)(1 − d)·x_i / (1 − d^t)} at every step: the first step's statistics exactly,
 * then a weighting that tends to the starter's {@code 1 − d}. The variable itself holds the
 * debiased value, so serving reads it as before and exports need no extra operation.
 *
 * <p>{@code t} is the global step plus one: the updates run inside each training step, before
 * the step's increment, and once per step, so a resumed run continues the same sequence.
 */
public final class MovingAverage {
  private final Operand<TFloat32> weight;

  private MovingAverage(Operand<TFloat32> weight) {
    this.weight = weight;
  }

  /**
   * The zero-debiased average of decay {@code decay} in [0, 1), where {@code completedSteps}
   * is the number of training steps before the current one.
   */
  public static MovingAverage zeroDebiased(Ops tf, Operand<TInt64> completedSteps,
      float decay) {
    checkArgument(decay >= 0 && decay < 1, "batchNormDecay must be in [0, 1), got %s", decay);
    Operand<TFloat32> d = tf.constant(decay);
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> t = tf.dtypes.cast(tf.math.add(tf.identity(completedSteps),
        tf.constant(1L)),
        TFloat32.class);
    return new MovingAverage(tf.withName("moving_average_weight").math.div(
        tf.math.sub(one, d), tf.math.sub(one, tf.math.pow(d, t))));
  }

  /** {@code average + w_t·(observed − average)}: the average after this step. */
  Operand<TFloat32> next(Ops tf, Operand<TFloat32> average, Operand<TFloat32> observed) {
    return tf.math.add(average, tf.math.mul(weight, tf.math.sub(observed, average)));
  }
}
