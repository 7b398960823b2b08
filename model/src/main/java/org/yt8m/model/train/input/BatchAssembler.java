package org.yt8m.model.train.input;

import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedSegment;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Lays decoded records out as a {@link Batch}. Frame-level records arrive quantized (a quarter
 * of the floats' size while they wait in the shuffle buffer) and are dequantized here, straight
 * into the batch's array, with {@link FrameRecord#dequantizeInto}.
 */
final class BatchAssembler {
  private final boolean frameLevel;
  private final int featureSize;
  private final int numClasses;

  /**
   * @param featureSize values per video (video-level) or per frame (frame-level)
   */
  BatchAssembler(boolean frameLevel, int featureSize, int numClasses) {
    this.frameLevel = frameLevel;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
  }

  /** A batch of {@code records[0, count)}, the last read in epoch {@code epoch}. */
  Batch assemble(Yt8mRecord[] records, int count, int epoch) {
    float[] labels = new float[count * numClasses];
    int[][] labelIds = new int[count][];
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = records[i].id();
      labelIds[i] = records[i].labels();
      for (int label : labelIds[i]) {
        labels[i * numClasses + label] = 1f;
      }
    }
    if (!frameLevel) {
      float[] features = new float[count * featureSize];
      for (int i = 0; i < count; i++) {
        System.arraycopy(((VideoRecord) records[i]).features(), 0, features, i * featureSize,
            featureSize);
      }
      return new Batch(count, features, 0, null, labels, labelIds, ids, epoch);
    }
    int[] numFrames = new int[count];
    int paddedFrames = 1;
    for (int i = 0; i < count; i++) {
      numFrames[i] = frames(records[i]).numFrames();
      paddedFrames = Math.max(paddedFrames, numFrames[i]);
    }
    int rowSize = paddedFrames * featureSize;
    float[] features = new float[count * rowSize]; // zeros: the padding
    for (int i = 0; i < count; i++) {
      frames(records[i]).dequantizeInto(features, i * rowSize);
    }
    return new Batch(count, features, paddedFrames, numFrames, labels, labelIds, ids, epoch,
        labelWeights(records, count));
  }

  private static FrameRecord frames(Yt8mRecord record) {
    return record instanceof RatedSegment segment ? segment.frames() : (FrameRecord) record;
  }

  /** 1 at each segment's rated classes, 0 elsewhere; null for videos (every class counts). */
  private float[] labelWeights(Yt8mRecord[] records, int count) {
    if (count == 0 || !(records[0] instanceof RatedSegment)) {
      return null;
    }
    float[] weights = new float[count * numClasses];
    for (int i = 0; i < count; i++) {
      for (int rated : ((RatedSegment) records[i]).ratedClasses()) {
        weights[i * numClasses + rated] = 1f;
      }
    }
    return weights;
  }
}
