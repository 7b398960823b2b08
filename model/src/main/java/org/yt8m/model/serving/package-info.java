/**
 * Scoring with an exported model: the one model loader every consumer of an export uses
 * (inference, model evaluation, the benchmarks' plain loops).
 *
 * <p>{@link org.yt8m.model.serving.ExportedModel} loads one export (see
 * {@link org.yt8m.model.nn.ServingSignature}) and scores batches of records, the top-k computed
 * in the graph so only k (class, score) pairs per video leave the device.
 * {@link org.yt8m.model.serving.LoadedModels} shares one loaded model among every thread of a
 * JVM (a Beam worker runs one DoFn instance per thread) and bounds the batches in flight on it.
 * {@link org.yt8m.model.serving.SessionSettings} holds the session configuration (GPU memory
 * allocated as needed) and says once per JVM whether TensorFlow found a GPU.
 */
package org.yt8m.model.serving;
