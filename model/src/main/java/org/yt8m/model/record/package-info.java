/**
 * Immutable YouTube-8M records ({@link org.yt8m.model.record.VideoRecord} for video-level
 * {@code tf.train.Example}s, {@link org.yt8m.model.record.FrameRecord} for frame-level
 * {@code tf.train.SequenceExample}s), the feature selection that shapes them, and the reasons a
 * record can be rejected.
 */
package org.yt8m.model.record;
