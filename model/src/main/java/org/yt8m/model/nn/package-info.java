/**
 * The starter code's models, losses and optimizers as TensorFlow Java graph builders.
 *
 * <p>A model is written once as a forward function ({@link org.yt8m.model.nn.VideoModel}) over
 * a {@link org.yt8m.model.nn.Parameters} store that creates each variable on first use and
 * hands the same one back afterwards. {@link org.yt8m.model.nn.TrainingGraph} calls it twice:
 * a training tower (batch statistics, moving-average updates) and a serving tower (moving
 * averages) sharing every variable, so the exported graph serves exactly what was trained.
 *
 * <p>Only ops whose gradients TensorFlow's C++ registry has are used ({@code
 * Graph.addGradients} knows no other): the LSTM is unrolled over a fixed number of frames
 * instead of using the functional {@code While}, and multi-output ops such as {@code Split}
 * and {@code Unpack} are avoided because their gradient crashes the native library when only
 * some outputs are used. Variables are read through {@code Identity}: gradients taken through
 * some ops applied to a reference variable directly ({@code Square}) crash the same way.
 */
package org.yt8m.model.nn;
