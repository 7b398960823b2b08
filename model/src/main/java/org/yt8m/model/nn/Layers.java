package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

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
    return batchNorm(tf, parameters, name, x, dim, training, null);
  }

  /**
   * {@link #batchNorm} whose training statistics count only the rows where {@code rowMask
   * [N]} is 1 (a video's real frames, not its padding), so that the statistics do not depend
   * on how much padding a batch has. Null: every row counts.
   */
  public static Operand<TFloat32> batchNorm(Ops tf, Parameters parameters, String name,
      Operand<TFloat32> x, long dim, boolean training, Operand<TFloat32> rowMask) {
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
      mean = rowMean(tf, x, rowMask);
      variance = rowMean(tf, tf.math.squaredDifference(x, tf.stopGradient(mean)), rowMask);
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

  /** The mean of the rows of {@code x [N, dim]}, of those whose mask is 1 if there is one. */
  private static Operand<TFloat32> rowMean(Ops tf, Operand<TFloat32> x,
      Operand<TFloat32> rowMask) {
    Operand<TInt32> rows = tf.constant(0);
    if (rowMask == null) {
      return tf.math.mean(x, rows, Mean.keepDims(false));
    }
    Operand<TFloat32> weights = tf.expandDims(rowMask, tf.constant(1));
    return tf.math.div(tf.reduceSum(tf.math.mul(x, weights), rows, ReduceSum.keepDims(false)),
        tf.math.maximum(tf.reduceSum(rowMask, rows), tf.constant(1f)));
  }

  /**
   * Context gating (Miech et al. 2017): {@code x · sigmoid(x·W + b)} for {@code x [N, dim]},
   * with batch norm in place of {@code b} when {@code batchNorm}; W normal with standard
   * deviation {@code 1/√dim}, as the 2017 winner's {@code context_gating}.
   */
  public static Operand<TFloat32> contextGating(Ops tf, Parameters parameters, String name,
      Operand<TFloat32> x, long dim, boolean batchNorm, boolean training) {
    float stddev = (float) (1 / Math.sqrt(dim));
    Operand<TFloat32> gates = tf.linalg.matMul(x, parameters.trainable(name + "_weights",
        Shape.of(dim, dim), Parameters.Init.normal(stddev), 0f));
    gates = batchNorm
        ? batchNorm(tf, parameters, name + "_bn", gates, dim, training)
        : tf.math.add(gates, parameters.trainable(name + "_biases", Shape.of(dim),
            Parameters.Init.normal(stddev), 0f));
    return tf.math.mul(x, tf.math.sigmoid(gates));
  }

  /**
   * {@code [B, T]}: 1 for each video's first {@code numFrames} frames of {@code frames
   * [B, T, F]}, 0 for its padding.
   */
  public static Operand<TFloat32> frameMask(Ops tf, Operand<TFloat32> frames,
      Operand<TInt32> numFrames) {
    Operand<TInt32> length = tf.gather(tf.shape(frames), tf.constant(1), tf.constant(0));
    Operand<TInt32> positions = tf.expandDims(tf.range(tf.constant(0), length, tf.constant(1)),
        tf.constant(0));
    return tf.dtypes.cast(tf.math.less(positions, tf.expandDims(numFrames, tf.constant(1))),
        TFloat32.class);
  }

  /**
   * Inverted dropout of rate {@code rate} in training ({@code x · keep / (1 − rate)}, keep
   * drawn with seeded ops), {@code x} itself when serving or at rate 0.
   */
  public static Operand<TFloat32> dropout(Ops tf, Parameters parameters, Operand<TFloat32> x,
      float rate, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    long[] seeds = parameters.nextOpSeeds();
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x), TFloat32.class,
        RandomUniform.seed(seeds[0]), RandomUniform.seed2(seeds[1]));
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant(rate)),
        TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant(1 / (1 - rate))));
  }

  /** tf.nn.l2_normalize over the last axis: {@code x / sqrt(max(Σx², 1e-12))}. */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    return l2Normalize(tf, x, -1);
  }

  /** tf.nn.l2_normalize over {@code axis}. */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, int axis) {
    Operand<TFloat32> squares = tf.reduceSum(tf.math.square(x), tf.constant(axis),
        ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squares,
        tf.constant(L2_NORMALIZE_EPSILON))));
  }
}
