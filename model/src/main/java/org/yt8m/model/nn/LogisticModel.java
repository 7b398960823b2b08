package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code sigmoid(X·W + b)}, L2 1e-8 on W: the starter's video-level baseline. */
final class LogisticModel implements VideoModel {
  static final float L2_PENALTY = 1e-8f;
  private final String prefix;

  LogisticModel(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    return tf.math.sigmoid(Layers.dense(tf, parameters, prefix + "logistic", input.features(),
        input.featureSize(), input.numClasses(), true, L2_PENALTY));
  }
}
