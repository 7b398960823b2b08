package org.yt8m.model.train.input;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.SplittableRandom;

/**
 * Random frame sampling of training batches for frame-level models, as the starter's
 * {@code SampleRandomFrames} and {@code SampleRandomSequence} (its DbofModel's, and the 2017
 * winner's NetVLAD's) do: each video of a batch becomes {@code frames} frames, drawn uniformly
 * with replacement from its real frames, or a run of consecutive frames starting at a uniform
 * position (a video shorter than the run repeats its last frame). Fewer frames per step make
 * training faster and act as augmentation; the models that pool frames (averages, normalised
 * VLAD sums) serve all of a video's frames with the same weights.
 *
 * <p>Sampling happens on the trainer's thread, batch after batch, from one seeded stream: the
 * same seed and batches give the same frames.
 */
public final class FrameSampler {
  private final int frames;
  private final boolean randomFrames;
  private final SplittableRandom random;

  /**
   * Samples {@code frames} frames per video (0: keeps every batch as it is), at random when
   * {@code randomFrames}, else a random run, from a stream seeded by {@code seed}.
   */
  public FrameSampler(int frames, boolean randomFrames, long seed) {
    checkArgument(frames >= 0, "numFrames must be >= 0, got %s", frames);
    this.frames = frames;
    this.randomFrames = randomFrames;
    this.random = new SplittableRandom(seed);
  }

  /**
   * {@code batch} with each video's frames replaced by its sample: {@code [size, frames,
   * frameSize]}, every video {@code frames} frames long. Video-level batches, and every batch
   * when sampling is off, are returned as they are.
   */
  public Batch sample(Batch batch) {
    int[] numFrames = batch.numFrames();
    if (frames == 0 || numFrames == null) {
      return batch;
    }
    int size = batch.size();
    int frameSize = batch.features().length / (size * batch.paddedFrames());
    float[] source = batch.features();
    float[] sampled = new float[size * frames * frameSize];
    int[] sampledFrames = new int[size];
    for (int v = 0; v < size; v++) {
      checkArgument(numFrames[v] > 0, "video %s has no frames to sample", batch.ids()[v]);
      int[] indexes = indexes(numFrames[v]);
      for (int f = 0; f < frames; f++) {
        System.arraycopy(source, (v * batch.paddedFrames() + indexes[f]) * frameSize, sampled,
            (v * frames + f) * frameSize, frameSize);
      }
      sampledFrames[v] = frames;
    }
    return new Batch(size, sampled, frames, sampledFrames, batch.labels(), batch.labelIds(),
        batch.ids(), batch.epoch());
  }

  /** The next video's frame indexes, each in {@code [0, numFrames)}. */
  int[] indexes(int numFrames) {
    int[] indexes = new int[frames];
    int start = randomFrames ? 0 : random.nextInt(Math.max(numFrames - frames, 0) + 1);
    for (int f = 0; f < frames; f++) {
      indexes[f] = randomFrames ? random.nextInt(numFrames)
          : Math.min(start + f, numFrames - 1);
    }
    return indexes;
  }
}
