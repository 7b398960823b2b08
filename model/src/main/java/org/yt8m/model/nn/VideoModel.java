package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One of the starter code's models: a forward function from {@link ModelInput} to
 * probabilities {@code [B, C]}. It takes its variables from {@link Parameters} by name, so
 * calling it twice (training and serving tower) shares them.
 */
public interface VideoModel {

  Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input);
}
