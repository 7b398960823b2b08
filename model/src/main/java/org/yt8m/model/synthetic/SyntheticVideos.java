package org.yt8m.model.synthetic;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.Labels;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;

/**
 * A hidden generative model of YouTube-8M videos.
 *
 * <ul>
 *   <li>Classes are drawn with Zipf-like frequencies (class {@code c} with weight
 *       {@code 1/(c+1)}, so class 0 is the most frequent, as in the real vocabulary).
 *   <li>A video has {@code 1 + Poisson(2)} distinct labels (about 3, as the 2018 release).
 *   <li>Each class has a fixed random prototype over the whole concatenated feature vector; a
 *       video's features are the mean of its classes' prototypes plus Gaussian noise, clamped to
 *       the dequantized range [-1.9921875, 2.0078125] that real features lie in.
 *   <li>Frame-level videos repeat the video's vector with per-frame noise, quantized to bytes,
 *       over a number of frames drawn from {@code [minFrames, maxFrames]}.
 *   <li>Or, with {@link FrameLabels#PATTERNS}, frame-level labels say <em>which</em> frame
 *       patterns occur: each class owns a random pattern, and each frame is, at random, one of
 *       the video's classes' patterns or one of {@value #BACKGROUND_PATTERNS} background
 *       patterns that belong to no class, times a random sign, plus noise. The sign makes the
 *       mean of the frames carry almost nothing, so mean pooling (FrameLevelLogisticModel)
 *       cannot learn the labels, while a sign-free detector pooled over the frames (cluster
 *       pooling: DbofModel, NetVLAD, NeXtVLAD) can.
 * </ul>
 *
 * <p>Everything is a function of the seed: the same seed and stream give the same records on
 * any machine (only {@link SplittableRandom}'s specified sequence and {@link StrictMath}).
 * One instance per (seed, classes, features) per JVM, from {@link #of}: prototypes are
 * {@code numClasses * featureSize} floats (18 MB for the 2018 defaults).
 */
public final class SyntheticVideos {
  private static final double ZIPF_EXPONENT = 1.0;
  private static final double MEAN_EXTRA_LABELS = 2.0;
  private static final int MAX_LABELS = 12;
  private static final double PROTOTYPE_SCALE = 0.5;
  private static final double VIDEO_NOISE = 0.5;
  private static final double FRAME_NOISE = 0.3;
  private static final int BACKGROUND_PATTERNS = 8;
  /** Pattern frames' noise relative to the patterns' scale. */
  private static final double PATTERN_NOISE = 0.3;
  /** Segment mode: the chance that a segment shows one of its video's classes. */
  private static final double SHOWN = 0.4;
  /** Segment mode: rated segments per video, at most (the 2019 validation set rates ~5). */
  private static final int RATED_SEGMENTS = 5;
  private static final ConcurrentHashMap<Key, SyntheticVideos> INSTANCES =
      new ConcurrentHashMap<>();

  private record Key(long seed, int numClasses, FeatureSpec features, FrameLabels frameLabels) {}

  /** What the labels of a frame-level video say about its frames. */
  public enum FrameLabels {
    /** The frames scatter around the mean of the video's classes' prototypes. */
    MEAN,
    /** Which class patterns occur among the frames, each frame with a random sign. */
    PATTERNS
  }

  private final long seed;
  private final int numClasses;
  private final FeatureSpec features;
  private final int size;
  private final double[] classCdf;
  private final float[] prototypes;
  private final FrameLabels frameLabels;
  /** With {@link FrameLabels#PATTERNS}: the classes' patterns, then the background ones. */
  private final float[] patterns;
  /** Segment mode's look-alikes of the prototypes, made on first use. */
  private volatile float[] decoys;

  private SyntheticVideos(long seed, int numClasses, FeatureSpec features,
      FrameLabels frameLabels) {
    checkArgument(numClasses > 0, "numClasses must be positive: %s", numClasses);
    this.seed = seed;
    this.numClasses = numClasses;
    this.features = features;
    this.frameLabels = frameLabels;
    this.size = features.totalSize();
    classCdf = new double[numClasses];
    double total = 0;
    for (int c = 0; c < numClasses; c++) {
      total += 1.0 / StrictMath.pow(c + 1, ZIPF_EXPONENT);
      classCdf[c] = total;
    }
    for (int c = 0; c < numClasses; c++) {
      classCdf[c] /= total;
    }
    SplittableRandom random = new SplittableRandom(seed);
    prototypes = new float[numClasses * size];
    for (int i = 0; i < prototypes.length; i++) {
      prototypes[i] = (float) (PROTOTYPE_SCALE * gaussian(random));
    }
    patterns = new float[frameLabels == FrameLabels.PATTERNS
        ? (numClasses + BACKGROUND_PATTERNS) * size : 0];
    for (int i = 0; i < patterns.length; i++) {
      patterns[i] = (float) (PROTOTYPE_SCALE * gaussian(random));
    }
  }

  /** The shared generator of these parameters (built once per JVM), frames around the mean. */
  public static SyntheticVideos of(long seed, int numClasses, FeatureSpec features) {
    return of(seed, numClasses, features, FrameLabels.MEAN);
  }

  /** The shared generator of these parameters whose frames are as {@code frameLabels} says. */
  public static SyntheticVideos of(long seed, int numClasses, FeatureSpec features,
      FrameLabels frameLabels) {
    return INSTANCES.computeIfAbsent(new Key(seed, numClasses, features, frameLabels),
        key -> new SyntheticVideos(key.seed(), key.numClasses(), key.features(),
            key.frameLabels()));
  }

  public long seed() {
    return seed;
  }

  public int numClasses() {
    return numClasses;
  }

  public FeatureSpec features() {
    return features;
  }

  /** The next video-level record from {@code random}. */
  public VideoRecord video(String id, SplittableRandom random) {
    int[] labels = labels(random);
    float[] values = center(labels);
    for (int d = 0; d < size; d++) {
      values[d] = clamp(values[d] + VIDEO_NOISE * gaussian(random));
    }
    return VideoRecord.of(id, labels, values);
  }

  /**
   * The next frame-level record from {@code random}, with a number of frames drawn uniformly
   * from {@code [minFrames, maxFrames]}.
   */
  public FrameRecord frames(String id, SplittableRandom random, int minFrames, int maxFrames) {
    checkArgument(0 < minFrames && minFrames <= maxFrames, "bad frame range [%s, %s]",
        minFrames, maxFrames);
    int[] labels = labels(random);
    if (frameLabels == FrameLabels.PATTERNS) {
      return patternFrames(id, random, labels, minFrames + random.nextInt(maxFrames - minFrames
          + 1));
    }
    float[] center = center(labels);
    for (int d = 0; d < size; d++) {
      center[d] += (float) (VIDEO_NOISE * gaussian(random));
    }
    int numFrames = minFrames + random.nextInt(maxFrames - minFrames + 1);
    byte[] quantized = new byte[numFrames * size];
    for (int f = 0; f < numFrames; f++) {
      for (int d = 0; d < size; d++) {
        quantized[f * size + d] =
            Dequantization.quantize((float) (center[d] + FRAME_NOISE * gaussian(random)));
      }
    }
    return FrameRecord.of(id, labels, numFrames, size, quantized);
  }

  /** Frames each a class pattern of {@code labels} or a background one, signed, noisy. */
  private FrameRecord patternFrames(String id, SplittableRandom random, int[] labels,
      int numFrames) {
    byte[] quantized = new byte[numFrames * size];
    for (int f = 0; f < numFrames; f++) {
      int pattern = random.nextBoolean() ? labels[random.nextInt(labels.length)]
          : numClasses + random.nextInt(BACKGROUND_PATTERNS);
      double sign = random.nextBoolean() ? 1 : -1;
      for (int d = 0; d < size; d++) {
        quantized[f * size + d] = Dequantization.quantize(clamp(sign * patterns[pattern * size
            + d] + PATTERN_NOISE * PROTOTYPE_SCALE * gaussian(random)));
      }
    }
    return FrameRecord.of(id, labels, numFrames, size, quantized);
  }

  /**
   * The next segment-rated frame-level video from {@code random}: frames in segments of
   * {@code segmentSize}, each of which shows each of the video's classes or not. A frame of a
   * segment is the mean, over the video's classes, of the class's prototype where the segment
   * shows it and of its decoy (another fixed random pattern of that class) where it does not,
   * plus the video's and the frame's noise. Both patterns mark the class's videos, the decoy in
   * more frames, so video-level labels alone teach a model the decoy as much as the class;
   * only segment ratings tell them apart. Up to {@value #RATED_SEGMENTS} distinct segments
   * starting before {@code maxRatedFrames} are rated, each for one of the video's classes,
   * score 1 when the segment shows it and 0 when not.
   */
  public RatedVideo ratedVideo(String id, SplittableRandom random, int minFrames,
      int maxFrames, int segmentSize, int maxRatedFrames) {
    checkArgument(0 < minFrames && minFrames <= maxFrames, "bad frame range [%s, %s]",
        minFrames, maxFrames);
    checkArgument(segmentSize > 0 && maxRatedFrames > 0, "segmentSize %s, maxRatedFrames %s",
        segmentSize, maxRatedFrames);
    float[] decoy = decoys();
    int[] labels = labels(random);
    float[] noise = new float[size];
    for (int d = 0; d < size; d++) {
      noise[d] = (float) (VIDEO_NOISE * gaussian(random));
    }
    int numFrames = minFrames + random.nextInt(maxFrames - minFrames + 1);
    int segments = (numFrames + segmentSize - 1) / segmentSize;
    boolean[][] shown = new boolean[labels.length][segments];
    byte[] quantized = new byte[numFrames * size];
    float[] center = new float[size];
    for (int s = 0; s < segments; s++) {
      System.arraycopy(noise, 0, center, 0, size);
      for (int l = 0; l < labels.length; l++) {
        shown[l][s] = random.nextDouble() < SHOWN;
        float[] pattern = shown[l][s] ? prototypes : decoy;
        int base = labels[l] * size;
        for (int d = 0; d < size; d++) {
          center[d] += pattern[base + d] / labels.length;
        }
      }
      for (int f = s * segmentSize; f < Math.min(numFrames, (s + 1) * segmentSize); f++) {
        for (int d = 0; d < size; d++) {
          quantized[f * size + d] =
              Dequantization.quantize((float) (center[d] + FRAME_NOISE * gaussian(random)));
        }
      }
    }
    int ratable = Math.min(segments, (Math.min(numFrames, maxRatedFrames) + segmentSize - 1)
        / segmentSize);
    int rated = Math.min(RATED_SEGMENTS, ratable);
    int[] order = new int[ratable];
    for (int i = 0; i < ratable; i++) {
      order[i] = i;
    }
    int[] classes = new int[rated];
    long[] starts = new long[rated];
    float[] scores = new float[rated];
    for (int i = 0; i < rated; i++) {
      int pick = i + random.nextInt(ratable - i); // distinct segments: a partial shuffle
      int segment = order[pick];
      order[pick] = order[i];
      order[i] = segment;
      int label = random.nextInt(labels.length);
      classes[i] = labels[label];
      starts[i] = (long) segment * segmentSize;
      scores[i] = shown[label][segment] ? 1f : 0f;
    }
    try {
      return RatedVideo.of(FrameRecord.of(id, labels, numFrames, size, quantized),
          SegmentRatings.of(id, labels, classes, starts, scores), segmentSize);
    } catch (InvalidRecordException e) {
      throw new IllegalStateException("a generated video breaks the rating rules", e);
    }
  }

  private float[] decoys() {
    float[] made = decoys;
    if (made == null) {
      synchronized (this) {
        made = decoys;
        if (made == null) {
          SplittableRandom random = new SplittableRandom(seed).split();
          made = new float[prototypes.length];
          for (int i = 0; i < made.length; i++) {
            made[i] = (float) (PROTOTYPE_SCALE * gaussian(random));
          }
          decoys = made;
        }
      }
    }
    return made;
  }

  /** Distinct Zipf-distributed classes, sorted, {@code 1 + Poisson(2)} of them. */
  private int[] labels(SplittableRandom random) {
    int wanted = Math.min(Math.min(MAX_LABELS, numClasses), 1 + poisson(random));
    int[] labels = new int[wanted];
    int count = 0;
    while (count < wanted) {
      int c = Arrays.binarySearch(classCdf, random.nextDouble());
      int label = Math.min(numClasses - 1, c >= 0 ? c : -c - 1);
      boolean seen = false;
      for (int i = 0; i < count; i++) {
        seen |= labels[i] == label;
      }
      if (!seen) {
        labels[count++] = label;
      }
    }
    return Labels.sortedUnique(labels, count);
  }

  /** The mean of the labels' prototypes. */
  private float[] center(int[] labels) {
    float[] center = new float[size];
    for (int label : labels) {
      int base = label * size;
      for (int d = 0; d < size; d++) {
        center[d] += prototypes[base + d];
      }
    }
    for (int d = 0; d < size; d++) {
      center[d] /= labels.length;
    }
    return center;
  }

  private static float clamp(double value) {
    return (float) Math.max(Dequantization.MIN_VALUE, Math.min(Dequantization.MAX_VALUE, value));
  }

  private static int poisson(SplittableRandom random) {
    double limit = StrictMath.exp(-MEAN_EXTRA_LABELS);
    double product = random.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }

  /** A standard normal deviate by Box-Muller, reproducible on every JVM. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]
    double v = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * Math.PI * v);
  }
}
