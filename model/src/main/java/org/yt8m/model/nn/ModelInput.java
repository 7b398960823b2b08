package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a model's forward function sees: the L2-normalised features, {@code [B, D]} for
 * video-level models or {@code [B, T, F]} with {@code numFrames [B]} for frame-level ones, and
 * whether this is the training tower (batch statistics) or the serving tower (moving averages).
 */
public record ModelInput(Operand<TFloat32> features, Operand<TInt32> numFrames,
    long featureSize, int numClasses, boolean training) {

  /** The same input with other features (a frame-level model handing its pooled vector on). */
  public ModelInput withFeatures(Operand<TFloat32> newFeatures, long newFeatureSize) {
    return new ModelInput(newFeatures, numFrames, newFeatureSize, numClasses, training);
  }
}
