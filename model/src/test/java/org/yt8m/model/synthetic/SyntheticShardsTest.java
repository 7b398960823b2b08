package org.yt8m.model.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;

class SyntheticShardsTest {
  private static final SyntheticShards TRAIN = new SyntheticShards("train", 2000, 4, false, 10,
      330);

  @Test
  void sameSeedWritesIdenticalBytes() throws Exception {
    assertArrayEquals(write(TRAIN, 1, 7), write(TRAIN, 1, 7));
  }

  @Test
  void otherSeedOrShardWritesOtherBytes() throws Exception {
    assertFalse(java.util.Arrays.equals(write(TRAIN, 1, 7), write(TRAIN, 1, 8)));
    assertFalse(java.util.Arrays.equals(write(TRAIN, 1, 7), write(TRAIN, 2, 7)));
  }

  @Test
  void spreadsVideosEvenlyAndNamesShardsLikeTheReleases() {
    SyntheticShards shards = new SyntheticShards("validate", 10, 4, false, 10, 330);
    assertEquals(List.of(3, 3, 2, 2), List.of(shards.videosInShard(0), shards.videosInShard(1),
        shards.videosInShard(2), shards.videosInShard(3)));
    assertEquals("validate0003.tfrecord", shards.shardName(3));
  }

  @Test
  void labelsLookLikeTheRelease() throws Exception {
    List<VideoRecord> records = new ArrayList<>();
    for (int shard = 0; shard < 4; shard++) {
      records.addAll(videos(write(TRAIN, shard, 7)));
    }
    assertEquals(2000, records.size());
    assertEquals(2000, records.stream().map(VideoRecord::id).distinct().count());
    double labelsPerVideo = records.stream().mapToInt(r -> r.labels().length).average()
        .orElseThrow();
    assertTrue(labelsPerVideo > 2.7 && labelsPerVideo < 3.3, "labels/video " + labelsPerVideo);
    int[] counts = new int[3862];
    records.forEach(r -> java.util.Arrays.stream(r.labels()).forEach(c -> counts[c]++));
    assertTrue(counts[0] > counts[10] && counts[10] > counts[1000],
        "Zipf-like: " + counts[0] + " > " + counts[10] + " > " + counts[1000]);
  }

  @Test
  void featuresCarryTheLabelsSignal() throws Exception {
    // The hidden model: a video lies nearer the mean of its classes' videos than of others'.
    List<VideoRecord> records = videos(write(TRAIN, 0, 7));
    float[] classMean = new float[1152];
    float[] otherMean = new float[1152];
    int in = 0;
    int out = 0;
    for (VideoRecord record : records) {
      boolean hasClass0 = java.util.Arrays.binarySearch(record.labels(), 0) >= 0;
      float[] target = hasClass0 ? classMean : otherMean;
      for (int d = 0; d < 1152; d++) {
        target[d] += record.features()[d];
      }
      if (hasClass0) {
        in++;
      } else {
        out++;
      }
    }
    double separation = 0;
    for (int d = 0; d < 1152; d++) {
      double diff = classMean[d] / in - otherMean[d] / out;
      separation += diff * diff;
    }
    assertTrue(in > 50 && Math.sqrt(separation) > 3, "class 0: " + in + " videos, separation "
        + Math.sqrt(separation));
  }

  @Test
  void testSplitHasNoLabels() throws Exception {
    SyntheticShards test = new SyntheticShards("test", 50, 1, false, 10, 330);
    assertTrue(videos(write(test, 0, 7)).stream().noneMatch(VideoRecord::hasLabels));
  }

  @Test
  void frameLevelVideosVaryInLengthPastMaxFrames() throws Exception {
    SyntheticShards frames = new SyntheticShards("train", 40, 1, true, 10, 330);
    byte[] shard = write(frames, 0, 7);
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 3862, 1000);
    List<FrameRecord> records = new ArrayList<>();
    try (TfRecordReader reader = new TfRecordReader("s", new ByteArrayInputStream(shard))) {
      while (reader.next()) {
        records.add(decoder.decodeFrames(reader.buffer(), reader.length()));
      }
    }
    assertEquals(40, records.size());
    assertTrue(records.stream().allMatch(r -> r.numFrames() >= 10 && r.numFrames() <= 330));
    assertTrue(records.stream().anyMatch(r -> r.numFrames() > 300), "some longer than 300");
  }

  /**
   * Pattern frames are signed patterns: their mean is short beside the frames (around the mean,
   * frames are close to it), frames of two videos are, up to their sign, the same few patterns
   * plus noise, and the same seed gives the same frames.
   */
  @Test
  void patternFramesSayWhichPatternsOccurNotWhatTheMeanIs() {
    FeatureSpec spec = FeatureSpec.parse("rgb", "64");
    SyntheticVideos patterns = SyntheticVideos.of(7, 10, spec,
        SyntheticVideos.FrameLabels.PATTERNS);
    SyntheticVideos means = SyntheticVideos.of(7, 10, spec);
    assertTrue(meanOverFrameLength(patterns) < 0.5, "patterns " + meanOverFrameLength(patterns));
    assertTrue(meanOverFrameLength(means) > 0.8, "means " + meanOverFrameLength(means));

    FrameRecord first = patterns.frames("a", new SplittableRandom(3), 10, 20);
    FrameRecord again = patterns.frames("a", new SplittableRandom(3), 10, 20);
    assertArrayEquals(frames(first), frames(again));
    FrameRecord other = patterns.frames("b", new SplittableRandom(4), 10, 20);
    float[] a = frames(first);
    float[] b = frames(other);
    double best = 0;
    for (int i = 0; i < first.numFrames(); i++) {
      for (int j = 0; j < other.numFrames(); j++) {
        best = Math.max(best, Math.abs(cosine(a, i * 64, b, j * 64, 64)));
      }
    }
    assertTrue(best > 0.9, "no frame of b is ± a frame of a: best |cos| " + best);
  }

  private static double meanOverFrameLength(SyntheticVideos generator) {
    SplittableRandom random = new SplittableRandom(5);
    double ratios = 0;
    for (int v = 0; v < 100; v++) {
      FrameRecord video = generator.frames("v" + v, random, 10, 20);
      float[] values = frames(video);
      double[] mean = new double[64];
      double frameLengths = 0;
      for (int f = 0; f < video.numFrames(); f++) {
        double squares = 0;
        for (int d = 0; d < 64; d++) {
          mean[d] += values[f * 64 + d] / (double) video.numFrames();
          squares += values[f * 64 + d] * values[f * 64 + d];
        }
        frameLengths += Math.sqrt(squares) / video.numFrames();
      }
      ratios += Math.sqrt(java.util.Arrays.stream(mean).map(x -> x * x).sum()) / frameLengths;
    }
    return ratios / 100;
  }

  private static float[] frames(FrameRecord video) {
    float[] values = new float[video.numFrames() * video.frameSize()];
    video.dequantizeInto(values, 0);
    return values;
  }

  private static double cosine(float[] a, int i, float[] b, int j, int size) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int d = 0; d < size; d++) {
      dot += a[i + d] * b[j + d];
      aa += a[i + d] * a[i + d];
      bb += b[j + d] * b[j + d];
    }
    return dot / Math.sqrt(aa * bb);
  }

  private static byte[] write(SyntheticShards shards, int shard, long seed) throws IOException {
    FeatureSpec spec = shards.frameLevel() ? FeatureSpec.FRAME_DEFAULT : FeatureSpec.VIDEO_DEFAULT;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    shards.writeShard(shard, SyntheticVideos.of(seed, 3862, spec), out);
    return out.toByteArray();
  }

  private static List<VideoRecord> videos(byte[] shard) throws Exception {
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 3862, 300);
    List<VideoRecord> records = new ArrayList<>();
    try (TfRecordReader reader = new TfRecordReader("s", new ByteArrayInputStream(shard))) {
      while (reader.next()) {
        records.add(decoder.decodeVideo(reader.buffer(), reader.length()));
      }
    }
    return records;
  }
}
