package org.yt8m.transforms.inspect;

import java.io.Serializable;
import java.util.BitSet;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Mergeable statistics of valid records: counts, label range and coverage (a bit per class),
 * frames per video. A combine accumulator, hence mutable; {@link RecordStatsCoder} encodes it.
 */
public final class RecordStats
    implements Accumulator<Yt8mRecord, RecordStats, RecordStats>, Serializable {
  // Serializable too: Combine.globally keeps the empty input's output value in its DoFn.
  private static final long serialVersionUID = 1L;

  long records;
  long recordsWithLabels;
  long labels;
  int maxLabelsPerVideo;
  int minLabel = Integer.MAX_VALUE;
  int maxLabel = -1;
  BitSet classes = new BitSet();
  long frameRecords;
  long frames;
  int minFrames = Integer.MAX_VALUE;
  int maxFrames;

  /** Counts one record. */
  public RecordStats add(Yt8mRecord record) {
    addInput(record);
    return this;
  }

  /** Adds {@code other}'s counts to these. */
  public RecordStats merge(RecordStats other) {
    mergeAccumulator(other);
    return this;
  }

  @Override
  public void addInput(Yt8mRecord record) {
    records++;
    int[] recordLabels = record.labels();
    if (recordLabels.length > 0) {
      recordsWithLabels++;
      labels += recordLabels.length;
      maxLabelsPerVideo = Math.max(maxLabelsPerVideo, recordLabels.length);
      minLabel = Math.min(minLabel, recordLabels[0]);
      maxLabel = Math.max(maxLabel, recordLabels[recordLabels.length - 1]);
      for (int label : recordLabels) {
        classes.set(label);
      }
    }
    if (record instanceof FrameRecord frameRecord) {
      frameRecords++;
      frames += frameRecord.numFrames();
      minFrames = Math.min(minFrames, frameRecord.numFrames());
      maxFrames = Math.max(maxFrames, frameRecord.numFrames());
    }
  }

  @Override
  public void mergeAccumulator(RecordStats other) {
    records += other.records;
    recordsWithLabels += other.recordsWithLabels;
    labels += other.labels;
    maxLabelsPerVideo = Math.max(maxLabelsPerVideo, other.maxLabelsPerVideo);
    minLabel = Math.min(minLabel, other.minLabel);
    maxLabel = Math.max(maxLabel, other.maxLabel);
    classes.or(other.classes);
    frameRecords += other.frameRecords;
    frames += other.frames;
    minFrames = Math.min(minFrames, other.minFrames);
    maxFrames = Math.max(maxFrames, other.maxFrames);
  }

  @Override
  public RecordStats extractOutput() {
    return this;
  }

  /** Valid records. */
  public long records() {
    return records;
  }

  /** Records with at least one label. */
  public long recordsWithLabels() {
    return recordsWithLabels;
  }

  /** Labels over all records (each record's distinct labels). */
  public long labels() {
    return labels;
  }

  /** The mean number of labels of the records that have labels; 0 when none have. */
  public double labelsPerLabelledVideo() {
    return recordsWithLabels == 0 ? 0 : (double) labels / recordsWithLabels;
  }

  public int maxLabelsPerVideo() {
    return maxLabelsPerVideo;
  }

  /** Classes with at least one label. */
  public int distinctClasses() {
    return classes.cardinality();
  }

  /** The smallest label seen, or -1 when there are none. */
  public int minLabel() {
    return maxLabel < 0 ? -1 : minLabel;
  }

  /** The largest label seen, or -1 when there are none. */
  public int maxLabel() {
    return maxLabel;
  }

  /** Frame-level records counted (0 for video-level input). */
  public long frameRecords() {
    return frameRecords;
  }

  /** Frames kept over all frame-level records (after truncation to the reader's maximum). */
  public long frames() {
    return frames;
  }

  /** The fewest frames of a frame-level record, or 0 when there are none. */
  public int minFrames() {
    return frameRecords == 0 ? 0 : minFrames;
  }

  public int maxFrames() {
    return maxFrames;
  }
}
