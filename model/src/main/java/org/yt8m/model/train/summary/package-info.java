/**
 * TensorBoard logs of the trainer ({@code trainDir}) and of evaluation ({@code trainDir/eval}):
 * {@link org.yt8m.model.train.summary.EventFileWriter} writes TensorFlow event files of scalar
 * summaries with the project's TFRecord framing and TensorFlow's generated protos, no session
 * needed; {@link org.yt8m.model.train.summary.EventLogs} reads them back and, when a run resumes
 * from a checkpoint, drops what was logged after it so that no step is logged twice.
 *
 * <p>Scalars are written as {@code simple_value}, which both of TensorBoard's readers take as
 * scalar data without any {@code SummaryMetadata}: the Python loader migrates such values to the
 * scalars plugin (tensorboard/data_compat.py, {@code _migrate_scalar_value}) and the Rust data
 * server gives them scalars metadata, ignoring any metadata they carry (tensorboard/data/server/
 * data_compat.rs, {@code SummaryValue::initial_metadata}).
 */
package org.yt8m.model.train.summary;
