/**
 * The YouTube-8M domain without Beam: record types and their one decoder, TFRecord framing,
 * synthetic data, and (in later packages) the TensorFlow Java models and the metric math.
 *
 * <p>Everything here is plain Java so that a single-threaded loop (the benchmarks' baseline,
 * the trainer's input) runs exactly the code the Beam pipelines run.
 */
package org.yt8m.model;
