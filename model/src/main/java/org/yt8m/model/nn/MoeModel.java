package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Mixture of experts per class: gates {@code X·Wg} (no bias) softmaxed over M + 1 (the extra
 * gate is a dummy expert predicting 0), experts {@code sigmoid(X·We + be)}, and
 * {@code p = Σ_{m<M} gate_m · expert_m}. Reshapes follow the starter's class-major layout, so
 * its checkpoints' weight matrices would line up with ours.
 *
 * <p>With {@code gated} the probabilities are context-gated, {@code p · sigmoid(BN(p·W))},
 * so that classes can raise or damp each other, as the 2017 winner's gated MoE does.
 */
final class MoeModel implements VideoModel {
  private final String prefix;
  private final int mixtures;
  private final boolean gated;

  MoeModel(String prefix, int mixtures, boolean gated) {
    this.prefix = prefix;
    this.mixtures = mixtures;
    this.gated = gated;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    long classes = input.numClasses();
    Operand<TFloat32> gates = Layers.dense(tf, parameters, prefix + "gates", input.features(),
        input.featureSize(), classes * (mixtures + 1), false, LogisticModel.L2_PENALTY);
    Operand<TFloat32> experts = Layers.dense(tf, parameters, prefix + "experts",
        input.features(), input.featureSize(), classes * mixtures, true,
        LogisticModel.L2_PENALTY);
    Operand<TFloat32> gating = tf.nn.softmax(
        tf.reshape(gates, tf.constant(new int[] {-1, mixtures + 1})));
    Operand<TFloat32> realGates = tf.slice(gating, tf.constant(new int[] {0, 0}),
        tf.constant(new int[] {-1, mixtures}));
    Operand<TFloat32> expert = tf.math.sigmoid(
        tf.reshape(experts, tf.constant(new int[] {-1, mixtures})));
    Operand<TFloat32> perClass = tf.reduceSum(tf.math.mul(realGates, expert), tf.constant(1),
        ReduceSum.keepDims(false));
    Operand<TFloat32> probabilities = tf.reshape(perClass, tf.constant(new long[] {-1,
        classes}));
    return gated
        ? Layers.contextGating(tf, parameters, prefix + "gating_prob", probabilities, classes,
            true, input.training())
        : probabilities;
  }
}
