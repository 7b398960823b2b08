package org.yt8m.model.record;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One video-level record: the selected features concatenated in {@link FeatureSpec} order
 * (for the 2018 default, 1024 {@code mean_rgb} values then 128 {@code mean_audio} values).
 *
 * <p>Immutable by contract: the arrays are taken and handed out without copies, because a
 * pipeline moves millions of these and a defensive copy of 1152 floats per access would be the
 * dominant cost. Nobody may modify them.
 */
public final class VideoRecord implements Yt8mRecord {
  private final String id;
  private final int[] labels;
  private final float[] features;

  private VideoRecord(String id, int[] labels, float[] features) {
    this.id = requireNonNull(id, "id");
    this.labels = requireNonNull(labels, "labels");
    this.features = requireNonNull(features, "features");
  }

  /**
   * A record over the given arrays, which it keeps (not copies). {@code labels} must be sorted
   * ascending without duplicates.
   */
  public static VideoRecord of(String id, int[] labels, float[] features) {
    return new VideoRecord(id, Labels.checkSortedUnique(labels), features);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int[] labels() {
    return labels;
  }

  /** The concatenated features; shared, not copied. */
  public float[] features() {
    return features;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoRecord other
        && id.equals(other.id)
        && Arrays.equals(labels, other.labels)
        && Arrays.equals(features, other.features);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * id.hashCode() + Arrays.hashCode(labels)) + Arrays.hashCode(features);
  }

  @Override
  public String toString() {
    return "VideoRecord{id=" + id + ", labels=" + Arrays.toString(labels)
        + ", features=" + features.length + " values}";
  }
}
