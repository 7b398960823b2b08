package org.yt8m.model.serving;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;

/**
 * The input tensors of one batch, written straight from the records' flat arrays into the
 * tensors' memory (one copy, no staging array of the whole batch).
 *
 * <ul>
 *   <li>Video-level: {@code features [B, D]}, each row a record's concatenated features.
 *   <li>Frame-level: {@code features [B, T, F]} with T the batch's longest video, each video's
 *       frames dequantized then exact zeros (the starter pads to 300 frames; its frame-level
 *       models average, sample or run over the first {@code num_frames} frames, so they see the
 *       same values, and there is less to copy), and {@code numFrames [B]}.
 * </ul>
 */
final class BatchTensors implements AutoCloseable {
  private final TFloat32 features;
  private final @Nullable TInt32 numFrames;

  private BatchTensors(TFloat32 features, @Nullable TInt32 numFrames) {
    this.features = features;
    this.numFrames = numFrames;
  }

  /**
   * The tensors of {@code videos}: {@link VideoRecord}s of {@code featureSize} values, or
   * {@link FrameRecord}s of {@code featureSize} values per frame when {@code frameLevel}.
   */
  static BatchTensors of(List<? extends Yt8mRecord> videos, boolean frameLevel,
      int featureSize, String model) {
    return frameLevel ? frames(videos, featureSize, model) : videos(videos, featureSize, model);
  }

  TFloat32 features() {
    return features;
  }

  /** Frames per video; null for video-level batches. */
  @Nullable TInt32 numFrames() {
    return numFrames;
  }

  @Override
  public void close() {
    features.close();
    if (numFrames != null) {
      numFrames.close();
    }
  }

  private static BatchTensors videos(List<? extends Yt8mRecord> videos, int featureSize,
      String model) {
    TFloat32 features = TFloat32.tensorOf(Shape.of(videos.size(), featureSize));
    try {
      FloatDataBuffer data = features.asRawTensor().data().asFloats();
      for (int i = 0; i < videos.size(); i++) {
        float[] row = as(VideoRecord.class, videos.get(i), model).features();
        if (row.length != featureSize) {
          throw new IllegalArgumentException("video " + videos.get(i).id() + " has "
              + row.length + " feature values; " + model + " takes " + featureSize);
        }
        data.offset((long) i * featureSize).write(row);
      }
      return new BatchTensors(features, null);
    } catch (RuntimeException e) {
      features.close();
      throw e;
    }
  }

  private static BatchTensors frames(List<? extends Yt8mRecord> videos, int frameSize,
      String model) {
    int[] frames = new int[videos.size()];
    int padded = 1;
    for (int i = 0; i < frames.length; i++) {
      FrameRecord video = as(FrameRecord.class, videos.get(i), model);
      if (video.frameSize() != frameSize) {
        throw new IllegalArgumentException("video " + video.id() + " has " + video.frameSize()
            + " feature values per frame; " + model + " takes " + frameSize);
      }
      frames[i] = video.numFrames();
      padded = Math.max(padded, frames[i]);
    }
    int rowSize = padded * frameSize;
    float[] row = new float[rowSize];
    TFloat32 features = TFloat32.tensorOf(Shape.of(videos.size(), padded, frameSize));
    try {
      FloatDataBuffer data = features.asRawTensor().data().asFloats();
      for (int i = 0; i < frames.length; i++) {
        ((FrameRecord) videos.get(i)).dequantizeInto(row, 0);
        Arrays.fill(row, frames[i] * frameSize, rowSize, 0f);
        data.offset((long) i * rowSize).write(row);
      }
      return new BatchTensors(features, TInt32.vectorOf(frames));
    } catch (RuntimeException e) {
      features.close();
      throw e;
    }
  }

  private static <R extends Yt8mRecord> R as(Class<R> type, Yt8mRecord video, String model) {
    if (!type.isInstance(video)) {
      throw new IllegalArgumentException(model + " scores " + type.getSimpleName() + "s, got a "
          + video.getClass().getSimpleName() + " (video " + video.id() + "): read the shards "
          + (type == FrameRecord.class ? "as frame-level" : "as video-level") + " records");
    }
    return type.cast(video);
  }
}
