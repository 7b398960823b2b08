/**
 * Inference as Beam transforms: records in, each video's top-k out of an exported model, the
 * predictions CSV (or the 2019 segment submission) written.
 *
 * <p>{@link org.yt8m.transforms.infer.ScoreVideos} batches a bundle's records (there is no
 * shuffle before scoring: records are scored where they were read) and runs each batch through
 * the model every thread of the worker shares ({@link org.yt8m.model.serving.LoadedModels}).
 * {@link org.yt8m.transforms.infer.ModelLocation} resolves which export, once, when the
 * pipeline is built, and fetches it to a worker's local disk.
 */
package org.yt8m.transforms.infer;
