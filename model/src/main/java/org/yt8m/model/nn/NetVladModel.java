package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * NetVLAD over a video's frames, as the 2017 winner's NetVLADModelLF (Miech et al.,
 * "Learnable pooling with Context Gating for video classification"): each frame (batch
 * normalised) softly assigned to K clusters by {@code softmax(BN(x·W))}, the assignment-weighted
 * residuals to K learned centres summed over the video's real frames ({@link VladPooling}),
 * intra- and L2-normalised, a hidden layer of H with ReLU6 and, with {@code gating}, context
 * gating, then the video-level classifier. Without batch norm each layer gets a bias instead.
 *
 * <p>Unlike the winner's code, which sums over a fixed 300 frames, padded frames are masked:
 * their assignment is zero and batch norm's training statistics leave them out, so a video
 * scores the same whatever batch it is padded in.
 */
final class NetVladModel implements VideoModel {
  private final ModelConfig.NetVlad config;
  private final VideoModel classifier;

  NetVladModel(ModelConfig.NetVlad config, VideoModel classifier) {
    this.config = config;
    this.classifier = classifier;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    long n = input.featureSize();
    long k = config.clusterSize();
    long h = config.hiddenSize();
    boolean batchNorm = config.addBatchNorm();
    boolean training = input.training();
    Operand<TInt32> length = VladPooling.length(tf, input.features());
    Operand<TFloat32> mask = tf.reshape(Layers.frameMask(tf, input.features(),
        input.numFrames()), tf.constant(new long[] {-1}));

    Operand<TFloat32> frames = tf.reshape(input.features(), tf.constant(new long[] {-1, n}));
    if (batchNorm) {
      frames = Layers.batchNorm(tf, parameters, "input_bn", frames, n, training, mask);
    }
    Parameters.Init clusterInit = Parameters.Init.normal((float) (1 / Math.sqrt(n)));
    Operand<TFloat32> logits = tf.linalg.matMul(frames, parameters.trainable("cluster_weights",
        Shape.of(n, k), clusterInit, 0f));
    logits = batchNorm
        ? Layers.batchNorm(tf, parameters, "cluster_bn", logits, k, training, mask)
        : tf.math.add(logits, parameters.trainable("cluster_biases", Shape.of(k), clusterInit,
            0f));
    Operand<TFloat32> assignment = tf.math.mul(tf.nn.softmax(logits),
        tf.expandDims(mask, tf.constant(1)));
    Operand<TFloat32> vlad = VladPooling.residuals(tf,
        VladPooling.perVideo(tf, frames, length, 1, n),
        VladPooling.perVideo(tf, assignment, length, 1, k),
        parameters.trainable("cluster_centers", Shape.of(n, k), clusterInit, 0f), n, k);
    vlad = Layers.l2Normalize(tf, vlad);

    Operand<TFloat32> hidden = tf.linalg.matMul(vlad, parameters.trainable("hidden1_weights",
        Shape.of(n * k, h), Parameters.Init.normal((float) (1 / Math.sqrt(k))), 0f));
    hidden = batchNorm
        ? Layers.batchNorm(tf, parameters, "hidden1_bn", hidden, h, training)
        : tf.math.add(hidden, parameters.trainable("hidden1_biases", Shape.of(h),
            Parameters.Init.normal(0.01f), 0f));
    hidden = tf.nn.relu6(hidden);
    if (config.gating()) {
      hidden = Layers.contextGating(tf, parameters, "gating", hidden, h, batchNorm, training);
    }
    return classifier.probabilities(tf, parameters, input.withFeatures(hidden, h));
  }
}
