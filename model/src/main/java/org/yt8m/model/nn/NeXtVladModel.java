package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * NeXtVLAD (Lin et al., arXiv 1811.05014, as its authors' NeXtVLADModel), for each feature
 * apart (rgb with K clusters and G groups, audio and any other with K/2 and G/2, as the
 * authors): each frame's N features expanded to λN by a linear layer and split into G groups
 * of λN/G; each group gets a sigmoid attention and a softmax assignment over K clusters (from
 * batch-normalised logits of the whole expanded frame); the VLAD of the groups' residuals to K
 * shared centres of λN/G, summed over groups and real frames ({@link VladPooling}) and
 * batch-normalised. The features' descriptors are concatenated, dropped out in training, then
 * a hidden layer of H with batch norm and the SE context gate
 * {@code h · sigmoid(W₂ · relu(BN(W₁ h)))} of width H/r, then the video-level classifier.
 *
 * <p>Weights start as slim's variance_scaling_initializer (the authors'). Padded frames get
 * zero attention and stay out of batch norm's training statistics.
 */
final class NeXtVladModel implements VideoModel {
  private final ModelConfig.NeXtVlad config;
  private final List<Integer> featureSizes;
  private final VideoModel classifier;

  NeXtVladModel(ModelConfig.NeXtVlad config, List<Integer> featureSizes,
      VideoModel classifier) {
    this.config = config;
    this.featureSizes = featureSizes;
    this.classifier = classifier;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    long n = input.featureSize();
    long h = config.hiddenSize();
    boolean training = input.training();
    VladPooling.Frames frames = VladPooling.Frames.of(tf, input);
    Operand<TFloat32> vlad = VladPooling.perFeature(tf,
        VladPooling.features(featureSizes, n), frames.rows(),
        (i, columns, width) -> vlad(tf, parameters, "feature" + i + "_",
            frames.withRows(columns), width, VladPooling.forFeature(config.groups(), i),
            VladPooling.forFeature(config.clusterSize(), i), training));
    long vladSize = vlad.shape().get(1);
    vlad = Layers.dropout(tf, parameters, vlad, config.dropout(), training);

    Operand<TFloat32> hidden = tf.linalg.matMul(vlad, parameters.trainable("hidden1_weights",
        Shape.of(vladSize, h), Parameters.Init.VARIANCE_SCALING, 0f));
    hidden = Layers.batchNorm(tf, parameters, "hidden1_bn", hidden, h, training);
    long reduced = h / config.gatingReduction();
    Operand<TFloat32> gates = tf.linalg.matMul(hidden, parameters.trainable("gating_weights_1",
        Shape.of(h, reduced), Parameters.Init.VARIANCE_SCALING, 0f));
    gates = tf.nn.relu(Layers.batchNorm(tf, parameters, "gating_bn", gates, reduced,
        training));
    gates = tf.math.sigmoid(tf.linalg.matMul(gates, parameters.trainable("gating_weights_2",
        Shape.of(reduced, h), Parameters.Init.VARIANCE_SCALING, 0f)));
    hidden = tf.math.mul(hidden, gates);
    return classifier.probabilities(tf, parameters, input.withFeatures(hidden, h));
  }

  /**
   * One feature's batch-normalised NeXtVLAD {@code [B, (λn/g)·k]} of its frames
   * {@code [B·T, n]}.
   */
  private Operand<TFloat32> vlad(Ops tf, Parameters parameters, String name,
      VladPooling.Frames frames, long n, long g, long k, boolean training) {
    long expanded = config.expansion() * n;
    checkArgument(expanded % g == 0, "nextvladExpansion × the width of %s (%s) must divide by "
        + "its groups (%s)", name.substring(0, name.length() - 1), expanded, g);
    long groupSize = expanded / g;
    Operand<TFloat32> mask = frames.mask();
    Operand<TInt32> length = frames.length();
    Operand<TFloat32> wide = linear(tf, parameters, name + "expansion", frames.rows(), n,
        expanded);
    Operand<TFloat32> attention = tf.math.mul(
        tf.math.sigmoid(linear(tf, parameters, name + "attention", wide, expanded, g)),
        tf.expandDims(mask, tf.constant(1)));
    Operand<TFloat32> logits = tf.linalg.matMul(wide, parameters.trainable(
        name + "cluster_weights", Shape.of(expanded, g * k), Parameters.Init.VARIANCE_SCALING,
        0f));
    logits = Layers.batchNorm(tf, parameters, name + "cluster_bn", logits, g * k, training,
        mask);
    Operand<TFloat32> assignment = tf.math.mul(
        tf.nn.softmax(VladPooling.perVideo(tf, logits, length, g, k)),
        VladPooling.perVideo(tf, attention, length, g, 1));
    Operand<TFloat32> vlad = VladPooling.residuals(tf,
        VladPooling.perVideo(tf, wide, length, g, groupSize), assignment,
        parameters.trainable(name + "cluster_centers", Shape.of(groupSize, k),
            Parameters.Init.VARIANCE_SCALING, 0f), groupSize, k);
    return Layers.batchNorm(tf, parameters, name + "vlad_bn", vlad, groupSize * k, training);
  }

  /** slim.fully_connected without activation: variance-scaled weights, zero biases. */
  private static Operand<TFloat32> linear(Ops tf, Parameters parameters, String name,
      Operand<TFloat32> x, long in, long out) {
    return tf.math.add(tf.linalg.matMul(x, parameters.trainable(name + "_weights",
            Shape.of(in, out), Parameters.Init.VARIANCE_SCALING, 0f)),
        parameters.trainable(name + "_biases", Shape.of(out), Parameters.Init.ZEROS, 0f));
  }
}
