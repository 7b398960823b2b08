package org.yt8m.model.train.input;

import org.jspecify.annotations.Nullable;

/**
 * One training batch in flat row-major arrays, the shapes the model's placeholders take, so
 * turning it into tensors is one copy per array.
 *
 * <ul>
 *   <li>Video-level: {@code features} is {@code [size, featureSize]}.
 *   <li>Frame-level: {@code features} is {@code [size, paddedFrames, frameSize]}, dequantized
 *       bit-exactly as the starter code does, each video's frames followed by exact zeros up to
 *       {@code paddedFrames}, the longest video's frame count in this batch (the starter pads to
 *       {@code max_frames}; models that average, sample or run over the first {@code num_frames}
 *       frames, as all of the starter's frame-level models do, see the same values, and there is
 *       less to copy).
 *   <li>{@code labels} is {@code [size, numClasses]}, 1 at each label and 0 elsewhere (all
 *       zeros for a video without labels); {@code labelIds} holds the same labels sorted, for
 *       the batch metrics computed in Java.
 *   <li>Segment training ({@link SegmentExamples}): each row is a rated segment, its labels the
 *       classes rated positive, and {@code labelWeights} marks the classes rated at all.
 * </ul>
 *
 * <p>Each batch owns freshly allocated arrays (none are pooled), so the consumer may keep them
 * as long as it likes, e.g. while a training step runs on tensors made from them. Immutable by
 * contract: arrays are handed out without copies and nobody may modify them; each
 * {@code labelIds()} row is the record's own label array.
 */
public final class Batch {
  private final int size;
  private final float[] features;
  private final int paddedFrames;
  private final int @Nullable [] numFrames;
  private final float[] labels;
  private final int[][] labelIds;
  private final String[] ids;
  private final int epoch;
  private final float @Nullable [] labelWeights;

  Batch(int size, float[] features, int paddedFrames, int @Nullable [] numFrames,
      float[] labels, int[][] labelIds, String[] ids, int epoch) {
    this(size, features, paddedFrames, numFrames, labels, labelIds, ids, epoch, null);
  }

  Batch(int size, float[] features, int paddedFrames, int @Nullable [] numFrames,
      float[] labels, int[][] labelIds, String[] ids, int epoch,
      float @Nullable [] labelWeights) {
    this.labelWeights = labelWeights;
    this.size = size;
    this.features = features;
    this.paddedFrames = paddedFrames;
    this.numFrames = numFrames;
    this.labels = labels;
    this.labelIds = labelIds;
    this.ids = ids;
    this.epoch = epoch;
  }

  /** Videos in this batch: the batch size, except possibly for the last batch of the run. */
  public int size() {
    return size;
  }

  /** {@code [size, featureSize]} (video-level) or {@code [size, paddedFrames, frameSize]}. */
  public float[] features() {
    return features;
  }

  /** Frame-level: the longest video's frame count in this batch (at least 1); video-level: 0. */
  public int paddedFrames() {
    return paddedFrames;
  }

  /** Frame-level: each video's frame count (after truncation to maxFrames); video-level: null. */
  public int @Nullable [] numFrames() {
    return numFrames;
  }

  /** {@code [size, numClasses]}: 1 at each of a video's labels, 0 elsewhere. */
  public float[] labels() {
    return labels;
  }

  /**
   * Segment training: {@code [size, numClasses]}, 1 at each class rated on the segment and 0
   * at every other (which then counts nowhere in the loss); null when every class counts.
   */
  public float @Nullable [] labelWeights() {
    return labelWeights;
  }

  /** Each video's labels, sorted ascending, possibly empty. */
  public int[][] labelIds() {
    return labelIds;
  }

  /** Each video's id, in batch order. */
  public String[] ids() {
    return ids;
  }

  /** The 1-based epoch of the batch's last record (a batch may straddle two epochs). */
  public int epoch() {
    return epoch;
  }

  @Override
  public String toString() {
    String frames = numFrames != null ? " x " + paddedFrames + " frames" : "";
    return "Batch{" + size + " videos" + frames + ", epoch " + epoch + "}";
  }
}
