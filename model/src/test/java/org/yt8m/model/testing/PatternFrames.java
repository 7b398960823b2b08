package org.yt8m.model.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;

/**
 * Frame-level videos whose labels say which frame patterns occur: each class owns a random
 * unit pattern; a video's frames are, at random, one of its classes' patterns or a background
 * pattern that belongs to no class, each times a random sign, plus noise. The sign makes the
 * frames' mean carry almost nothing (mean pooling cannot learn this), while a sign-free
 * detector pooled over the frames can: the problem DbofModel's cluster pooling is for, and one
 * that it learns only through its batch-normalised layers. Frames are quantized as the
 * releases' are, and {@link #features} holds the values a reader dequantizes, so tensors built
 * here equal what the trainer feeds.
 */
public final class PatternFrames {
  private static final int BACKGROUND_PATTERNS = 8;
  private static final double NOISE = 0.3;

  public final int videos;
  public final int maxFrames;
  public final int featureSize;
  public final int numClasses;
  /** {@code [videos, maxFrames, featureSize]}, zero past each video's frames. */
  public final float[] features;
  public final int[] numFrames;
  /** {@code [videos, numClasses]} zeros and ones. */
  public final float[] labels;
  private final byte[][] quantized;

  public PatternFrames(int videos, int maxFrames, int featureSize, int numClasses, long seed) {
    this.videos = videos;
    this.maxFrames = maxFrames;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
    Random patternsRandom = new Random(seed);
    float[][] patterns = new float[numClasses + BACKGROUND_PATTERNS][];
    for (int p = 0; p < patterns.length; p++) {
      patterns[p] = unit(patternsRandom, featureSize);
    }
    Random random = new Random(seed * 31 + videos);
    features = new float[videos * maxFrames * featureSize];
    numFrames = new int[videos];
    labels = new float[videos * numClasses];
    quantized = new byte[videos][];
    for (int v = 0; v < videos; v++) {
      int[] classes = new int[1 + random.nextInt(3)];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = random.nextInt(numClasses);
        labels[v * numClasses + classes[i]] = 1f;
      }
      numFrames[v] = maxFrames / 2 + random.nextInt(maxFrames - maxFrames / 2 + 1);
      quantized[v] = new byte[numFrames[v] * featureSize];
      for (int f = 0; f < numFrames[v]; f++) {
        float[] pattern = random.nextBoolean()
            ? patterns[classes[random.nextInt(classes.length)]]
            : patterns[numClasses + random.nextInt(BACKGROUND_PATTERNS)];
        float sign = random.nextBoolean() ? 1f : -1f;
        int base = (v * maxFrames + f) * featureSize;
        for (int d = 0; d < featureSize; d++) {
          byte q = Dequantization.quantize((float) (sign * pattern[d]
              + NOISE * random.nextGaussian() / Math.sqrt(featureSize)));
          quantized[v][f * featureSize + d] = q;
          features[base + d] = Dequantization.dequantize(q);
        }
      }
    }
  }

  private static float[] unit(Random random, int size) {
    float[] vector = new float[size];
    double norm = 0;
    for (int d = 0; d < size; d++) {
      vector[d] = (float) random.nextGaussian();
      norm += vector[d] * vector[d];
    }
    for (int d = 0; d < size; d++) {
      vector[d] /= (float) Math.sqrt(norm);
    }
    return vector;
  }

  /** The features' spec: one frame-level feature {@code rgb}. */
  public FeatureSpec spec() {
    return FeatureSpec.parse("rgb", Integer.toString(featureSize));
  }

  /** Video {@code v} as a labelled frame-level record, id {@code v<number>}. */
  public FrameRecord record(int v) {
    int[] ids = new int[numClasses];
    int count = 0;
    for (int c = 0; c < numClasses; c++) {
      if (labels[v * numClasses + c] > 0) {
        ids[count++] = c;
      }
    }
    return FrameRecord.of("v" + v, Arrays.copyOf(ids, count), numFrames[v], featureSize,
        quantized[v]);
  }

  /** Writes every video, in order, to {@code shards} TFRecord files in {@code dir}. */
  public List<Path> writeShards(Path dir, int shards) throws IOException {
    Yt8mEncoder encoder = new Yt8mEncoder(spec());
    List<Path> files = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      Path file = dir.resolve(String.format("train%04d.tfrecord", shard));
      try (OutputStream out = Files.newOutputStream(file);
          TfRecordWriter writer = new TfRecordWriter(out)) {
        for (int v = shard; v < videos; v += shards) {
          writer.write(encoder.encodeFrames(record(v), true));
        }
      }
      files.add(file);
    }
    return files;
  }

  /** Videos {@code [from, from + count)} as a {@code [count, maxFrames, featureSize]} tensor. */
  public TFloat32 features(int from, int count) {
    int perVideo = maxFrames * featureSize;
    float[] slice = new float[count * perVideo];
    System.arraycopy(features, from * perVideo, slice, 0, slice.length);
    return TFloat32.tensorOf(Shape.of(count, maxFrames, featureSize),
        DataBuffers.of(slice, true, false));
  }

  public TInt32 numFrames(int from, int count) {
    int[] slice = new int[count];
    System.arraycopy(numFrames, from, slice, 0, count);
    return TInt32.tensorOf(Shape.of(count), DataBuffers.of(slice, true, false));
  }

  public TFloat32 labels(int from, int count) {
    float[] slice = new float[count * numClasses];
    System.arraycopy(labels, from * numClasses, slice, 0, slice.length);
    return TFloat32.tensorOf(Shape.of(count, numClasses), DataBuffers.of(slice, true, false));
  }
}
