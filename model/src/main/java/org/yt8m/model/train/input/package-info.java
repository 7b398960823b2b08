/**
 * The trainer's input pipeline: {@link org.yt8m.model.train.input.BatchSource} reads shards
 * ({@link org.yt8m.model.train.input.ShardSource}) on reader threads with the one decoder,
 * shuffles the records in a bounded buffer, and assembles training
 * {@link org.yt8m.model.train.input.Batch}es ahead of the training step. Plain Java, no
 * TensorFlow: it can be measured alone, and the trainer turns batches into tensors.
 */
package org.yt8m.model.train.input;
