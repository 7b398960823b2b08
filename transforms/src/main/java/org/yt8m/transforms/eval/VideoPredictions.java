package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A video's labels and its ranked predictions: classes best first (ties by lower class) with
 * their scores. At least the top-k when available; more makes PERR exact for videos with more
 * labels than k. Immutable by contract: arrays are shared, never modified.
 *
 * @param labels sorted ascending without duplicates
 */
@DefaultCoder(VideoPredictionsCoder.class)
public record VideoPredictions(String id, int[] labels, int[] ranked, float[] scores) {

  public VideoPredictions {
    checkArgument(ranked.length == scores.length, "%s classes but %s scores", ranked.length,
        scores.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoPredictions other && id.equals(other.id)
        && Arrays.equals(labels, other.labels) && Arrays.equals(ranked, other.ranked)
        && Arrays.equals(scores, other.scores);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Arrays.hashCode(ranked);
  }

  @Override
  public String toString() {
    return "VideoPredictions{" + id + ", labels=" + Arrays.toString(labels) + ", ranked="
        + Arrays.toString(ranked) + ", scores=" + Arrays.toString(scores) + "}";
  }
}
