package org.yt8m.model.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Deep bag of frames: sample {@code iterations} frames per video (in training and serving
 * alike, as the starter does), batch-normalise them, project to {@code dbofClusterSize} with
 * the activation, pool over the samples, a hidden layer of {@code dbofHiddenSize}, then the
 * video-level classifier. Without batch norm each layer gets a bias instead.
 *
 * <p>Frames are sampled by gathering from the batch flattened to {@code [B·T, F]}, which has
 * a registered gradient ({@code GatherNd} on the 3-D tensor would too, but the flat gather
 * also yields the {@code [B·S, F]} matrix the projection needs).
 */
final class DbofModel implements VideoModel {
  private final ModelConfig config;
  private final VideoModel classifier;

  DbofModel(ModelConfig config, VideoModel classifier) {
    this.config = config;
    this.classifier = classifier;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    long featureSize = input.featureSize();
    int samples = config.iterations();
    long clusters = config.dbofClusterSize();
    long hidden = config.dbofHiddenSize();
    boolean batchNorm = config.dbofAddBatchNorm();

    Operand<TFloat32> frames = sampleFrames(tf, parameters, input, samples);
    if (batchNorm) {
      frames = Layers.batchNorm(tf, parameters, "input_bn", frames, featureSize,
          input.training());
    }
    float clusterStddev = (float) (1 / Math.sqrt(featureSize));
    Operand<TFloat32> activation = tf.linalg.matMul(frames, parameters.trainable(
        "cluster_weights", Shape.of(featureSize, clusters),
        Parameters.Init.normal(clusterStddev), 0f));
    activation = batchNorm
        ? Layers.batchNorm(tf, parameters, "cluster_bn", activation, clusters, input.training())
        : tf.math.add(activation, parameters.trainable("cluster_biases", Shape.of(clusters),
            Parameters.Init.normal(clusterStddev), 0f));
    activation = activate(tf, activation);
    Operand<TFloat32> perVideo = tf.reshape(activation, tf.constant(new long[] {-1, samples,
        clusters}));
    Operand<TFloat32> pooled = config.dbofPoolingMethod().equals("max")
        ? tf.reduceMax(perVideo, tf.constant(1), ReduceMax.keepDims(false))
        : tf.math.mean(perVideo, tf.constant(1), Mean.keepDims(false));
    Operand<TFloat32> hiddenActivation = tf.linalg.matMul(pooled, parameters.trainable(
        "hidden1_weights", Shape.of(clusters, hidden),
        Parameters.Init.normal((float) (1 / Math.sqrt(clusters))), 0f));
    hiddenActivation = batchNorm
        ? Layers.batchNorm(tf, parameters, "hidden1_bn", hiddenActivation, hidden,
            input.training())
        : tf.math.add(hiddenActivation, parameters.trainable("hidden1_biases",
            Shape.of(hidden), Parameters.Init.normal(0.01f), 0f));
    hiddenActivation = activate(tf, hiddenActivation);
    return classifier.probabilities(tf, parameters,
        input.withFeatures(hiddenActivation, hidden));
  }

  /**
   * {@code [B·S, F]}: per video, S frame indices drawn uniformly from its frames (or a random
   * run of S consecutive frames, clamped to the last frame), gathered from the batch.
   */
  private Operand<TFloat32> sampleFrames(Ops tf, Parameters parameters, ModelInput input,
      int samples) {
    Operand<TInt32> shape = tf.shape(input.features());
    Operand<TInt32> batch = tf.gather(shape, tf.constant(0), tf.constant(0));
    Operand<TInt32> maxFrames = tf.gather(shape, tf.constant(1), tf.constant(0));
    Operand<TInt32> numFrames = tf.expandDims(input.numFrames(), tf.constant(1));
    Operand<TInt32> frameIndex;
    if (config.sampleRandomFrames()) {
      Operand<TFloat32> uniform = uniform(tf, parameters, tf.stack(List.of(batch,
          tf.constant(samples))));
      frameIndex = tf.dtypes.cast(tf.math.mul(uniform,
          tf.dtypes.cast(numFrames, TFloat32.class)), TInt32.class);
    } else {
      Operand<TInt32> offsets = tf.expandDims(tf.range(tf.constant(0), tf.constant(samples),
          tf.constant(1)), tf.constant(0));
      Operand<TInt32> maxStart = tf.math.maximum(tf.math.sub(numFrames, tf.constant(samples)),
          tf.constant(0));
      Operand<TFloat32> uniform = uniform(tf, parameters, tf.stack(List.of(batch,
          tf.constant(1))));
      Operand<TInt32> start = tf.dtypes.cast(tf.math.mul(uniform, tf.dtypes.cast(
          tf.math.add(maxStart, tf.constant(1)), TFloat32.class)), TInt32.class);
      frameIndex = tf.math.minimum(tf.math.add(start, offsets),
          tf.math.maximum(tf.math.sub(numFrames, tf.constant(1)), tf.constant(0)));
    }
    Operand<TInt32> rowStart = tf.expandDims(tf.math.mul(tf.range(tf.constant(0), batch,
        tf.constant(1)), maxFrames), tf.constant(1));
    Operand<TInt32> flatIndex = tf.reshape(tf.math.add(rowStart, frameIndex),
        tf.constant(new int[] {-1}));
    Operand<TFloat32> flatFrames = tf.reshape(input.features(),
        tf.constant(new long[] {-1, input.featureSize()}));
    return tf.gather(flatFrames, flatIndex, tf.constant(0));
  }

  private static Operand<TFloat32> uniform(Ops tf, Parameters parameters,
      Operand<TInt32> shape) {
    long[] seeds = parameters.nextOpSeeds();
    return tf.random.randomUniform(shape, TFloat32.class, RandomUniform.seed(seeds[0]),
        RandomUniform.seed2(seeds[1]));
  }

  private Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x) {
    return config.dbofActivation().equals("relu6") ? tf.nn.relu6(x) : tf.math.sigmoid(x);
  }
}
