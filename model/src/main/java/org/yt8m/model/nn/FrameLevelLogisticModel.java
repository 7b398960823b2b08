package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * The average of a video's frames (sum over the zero-padded frames / num_frames), then
 * logistic regression.
 */
final class FrameLevelLogisticModel implements VideoModel {

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    Operand<TFloat32> sum = tf.reduceSum(input.features(), tf.constant(1),
        ReduceSum.keepDims(false));
    Operand<TFloat32> frames = tf.math.maximum(
        tf.expandDims(tf.dtypes.cast(input.numFrames(), TFloat32.class), tf.constant(1)),
        tf.constant(1f));
    Operand<TFloat32> average = tf.math.div(sum, frames);
    return new LogisticModel("").probabilities(tf, parameters,
        input.withFeatures(average, input.featureSize()));
  }
}
