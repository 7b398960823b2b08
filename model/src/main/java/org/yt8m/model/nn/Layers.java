package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** The building blocks the starter models share, with slim's defaults. */
public final class Layers {
  /** slim.batch_norm's moving-average decay (the default of --batchNormDecay). */
  public static final float BATCH_NORM_DECAY = 0.999f;
  /** slim.batch_norm's variance epsilon. */
  static final float BATCH_NORM_EPSILON = 0.001f;
  /** tf.nn.l2_normalize's epsilon. */
  static final float L2_NORMALIZE_EPSILON = 1e-12f;

  private Layers() {}

  /**
   * {@code x · W (+ b)} for {@code x [N, in]}: slim.fully_connected without activation, weights
   * Glorot-uniform, bias zeros, {@code l2} on the weights.
   */
  public static Operand<TFloat32> dense(Ops tf, Parameters parameters, String name,
      Operand<TFloat32> x, long in, long out, boolean bias, float l2) {
    Operand<TFloat32> weights = parameters.trainable(name + "_weights", Shape.of(in, out),
        Parameters.Init.GLOROT_UNIFORM, l2);
    Operand<TFloat32> product = tf.linalg.matMul(x, weights);
    if (!bias) {
      return product;
    }
    return tf.math.add(product,
        parameters.trainable(name + "_biases", Shape.of(out), Parameters.Init.ZEROS, 0f));
  }

  /**
   * slim.batch_norm(center=True, scale=True) over the rows of {@code x [N, dim]}: batch
   * statistics and a moving-average update in training (see {@link MovingAverage}), the moving
   * averages when serving.
   */
  public static Operand<TFloat32> batchNorm(Ops tf, Parameters parameters, String name,
      Operand<TFloat32> x, long dim, boolean training) {
    Shape shape = Shape.of(dim);
    Operand<TFloat32> beta = parameters.trainable(name + "_beta", shape, Parameters.Init.ZEROS,
        0f);
    Operand<TFloat32> gamma = parameters.trainable(name + "_gamma", shape,
        Parameters.Init.ONES, 0f);
    parameters.state(name + "_moving_mean", shape, Parameters.Init.ZEROS);
    parameters.state(name + "_moving_variance", shape, Parameters.Init.ONES);
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (training) {
      Operand<org.tensorflow.types.TInt32> rows = tf.constant(0);
      mean = tf.math.mean(x, rows, Mean.keepDims(false));
      variance = tf.math.mean(tf.math.squaredDifference(x, tf.stopGradient(mean)), rows,
          Mean.keepDims(false));
      parameters.updateAverage(name + "_moving_mean", tf.stopGradient(mean));
      parameters.updateAverage(name + "_moving_variance", tf.stopGradient(variance));
    } else {
      mean = parameters.read(name + "_moving_mean");
      variance = parameters.read(name + "_moving_variance");
    }
    Operand<TFloat32> scale = tf.math.mul(gamma,
        tf.math.rsqrt(tf.math.add(variance, tf.constant(BATCH_NORM_EPSILON))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  /** tf.nn.l2_normalize over the last axis: {@code x / sqrt(max(Σx², 1e-12))}. */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squares = tf.reduceSum(tf.math.square(x), tf.constant(-1),
        ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squares,
        tf.constant(L2_NORMALIZE_EPSILON))));
  }
}
