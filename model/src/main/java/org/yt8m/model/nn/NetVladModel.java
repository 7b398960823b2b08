package org.yt8m.model.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * NetVLAD over a video's frames, as the 2017 winner's NetVLADModelLF (Miech et al.,
 * "Learnable pooling with Context Gating for video classification"): the frames batch
 * normalised, then for each feature (rgb with K clusters, audio and any other with K/2) each
 * frame softly assigned to the clusters by {@code softmax(BN(x·W))}, the assignment-weighted
 * residuals to learned centres summed over the video's real frames ({@link VladPooling}),
 * intra- and L2-normalised; the features' descriptors concatenated, a hidden layer of H with
 * ReLU6 and, with {@code gating}, context gating, then the video-level classifier. Without
 * batch norm each layer gets a bias instead.
 *
 * <p>Unlike the winner's code, which sums over a fixed 300 frames, padded frames are masked:
 * their assignment is zero and batch norm's training statistics leave them out, so a video
 * scores the same whatever batch it is padded in.
 */
final class NetVladModel implements VideoModel {
  private final ModelConfig.NetVlad config;
  private final List<Integer> featureSizes;
  private final VideoModel classifier;

  NetVladModel(ModelConfig.NetVlad config, List<Integer> featureSizes, VideoModel classifier) {
    this.config = config;
    this.featureSizes = featureSizes;
    this.classifier = classifier;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    long n = input.featureSize();
    long h = config.hiddenSize();
    boolean batchNorm = config.addBatchNorm();
    boolean training = input.training();
    VladPooling.Frames raw = VladPooling.Frames.of(tf, input);
    VladPooling.Frames frames = batchNorm ? raw.withRows(Layers.batchNorm(tf, parameters,
        "input_bn", raw.rows(), n, training, raw.mask())) : raw;
    Operand<TFloat32> vlad = VladPooling.perFeature(tf,
        VladPooling.features(featureSizes, n), frames.rows(),
        (i, columns, width) -> vlad(tf, parameters, "feature" + i + "_",
            frames.withRows(columns), width, VladPooling.forFeature(config.clusterSize(), i),
            training));
    long vladSize = vlad.shape().get(1);

    Operand<TFloat32> hidden = tf.linalg.matMul(vlad, parameters.trainable("hidden1_weights",
        Shape.of(vladSize, h), Parameters.Init.normal(
            (float) (1 / Math.sqrt(config.clusterSize()))), 0f));
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

  /** One feature's L2-normalised VLAD {@code [B, n·k]} of its frames {@code [B·T, n]}. */
  private Operand<TFloat32> vlad(Ops tf, Parameters parameters, String name,
      VladPooling.Frames frames, long n, long k, boolean training) {
    Parameters.Init init = Parameters.Init.normal((float) (1 / Math.sqrt(n)));
    Operand<TFloat32> mask = frames.mask();
    Operand<TInt32> length = frames.length();
    Operand<TFloat32> logits = tf.linalg.matMul(frames.rows(), parameters.trainable(
        name + "cluster_weights", Shape.of(n, k), init, 0f));
    logits = config.addBatchNorm()
        ? Layers.batchNorm(tf, parameters, name + "cluster_bn", logits, k, training, mask)
        : tf.math.add(logits, parameters.trainable(name + "cluster_biases", Shape.of(k), init,
            0f));
    Operand<TFloat32> assignment = tf.math.mul(tf.nn.softmax(logits),
        tf.expandDims(mask, tf.constant(1)));
    return Layers.l2Normalize(tf, VladPooling.residuals(tf,
        VladPooling.perVideo(tf, frames.rows(), length, 1, n),
        VladPooling.perVideo(tf, assignment, length, 1, k),
        parameters.trainable(name + "cluster_centers", Shape.of(n, k), init, 0f), n, k));
  }
}
