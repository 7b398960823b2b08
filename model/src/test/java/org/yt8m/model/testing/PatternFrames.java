package org.yt8m.model.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.synthetic.SyntheticVideos;

/**
 * Frame-level videos whose labels say which frame patterns occur, from the generator
 * {@code yt8m generate --frameLabels=PATTERNS} writes ({@link SyntheticVideos.FrameLabels#PATTERNS}):
 * mean pooling cannot learn them, a sign-free detector pooled over the frames can; the problem
 * cluster pooling (DbofModel, NetVLAD, NeXtVLAD) is for, and one that DbofModel learns only
 * through its batch-normalised layers. {@link #features} holds the values a reader
 * dequantizes, so tensors built here equal what the trainer feeds.
 */
public final class PatternFrames {
  public final int videos;
  public final int maxFrames;
  public final int featureSize;
  public final int numClasses;
  /** {@code [videos, maxFrames, featureSize]}, zero past each video's frames. */
  public final float[] features;
  public final int[] numFrames;
  /** {@code [videos, numClasses]} zeros and ones. */
  public final float[] labels;
  private final FrameRecord[] records;

  /**
   * {@code videos} videos of {@code maxFrames / 2} to {@code maxFrames} frames over the
   * patterns of generator seed {@code seed}: the same seed gives the same patterns whatever
   * the number of videos, and other videos for another number.
   */
  public PatternFrames(int videos, int maxFrames, int featureSize, int numClasses, long seed) {
    this.videos = videos;
    this.maxFrames = maxFrames;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
    SyntheticVideos generator = SyntheticVideos.of(seed, numClasses, spec(),
        SyntheticVideos.FrameLabels.PATTERNS);
    SplittableRandom random = new SplittableRandom(seed * 31 + videos);
    features = new float[videos * maxFrames * featureSize];
    numFrames = new int[videos];
    labels = new float[videos * numClasses];
    records = new FrameRecord[videos];
    for (int v = 0; v < videos; v++) {
      records[v] = generator.frames("v" + v, random, maxFrames / 2, maxFrames);
      numFrames[v] = records[v].numFrames();
      for (int label : records[v].labels()) {
        labels[v * numClasses + label] = 1f;
      }
      records[v].dequantizeInto(features, v * maxFrames * featureSize);
    }
  }

  /** The features' spec: one frame-level feature {@code rgb}. */
  public FeatureSpec spec() {
    return FeatureSpec.parse("rgb", Integer.toString(featureSize));
  }

  /** Video {@code v} as a labelled frame-level record, id {@code v<number>}. */
  public FrameRecord record(int v) {
    return records[v];
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
