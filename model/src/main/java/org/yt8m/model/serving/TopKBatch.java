package org.yt8m.model.serving;

import java.util.Arrays;

/**
 * What a batch scored to: each video's k best classes and their scores, flat and row-major
 * ({@code [size, k]}), best first, equal scores in ascending class order (TensorFlow's TopK).
 * Immutable by contract: the arrays are handed out without copies.
 */
public record TopKBatch(int size, int k, int[] classes, float[] scores) {

  /** The classes of video {@code video}, best first (a copy). */
  public int[] classesOf(int video) {
    return Arrays.copyOfRange(classes, video * k, (video + 1) * k);
  }

  /** The scores of video {@code video}, best first (a copy). */
  public float[] scoresOf(int video) {
    return Arrays.copyOfRange(scores, video * k, (video + 1) * k);
  }
}
