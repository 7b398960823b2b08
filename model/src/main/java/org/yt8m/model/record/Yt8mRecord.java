package org.yt8m.model.record;

/** What every YouTube-8M record has, whatever its level: an id and its (possibly empty) labels. */
public interface Yt8mRecord {

  /** The video id ({@code id} in 2018+ data, {@code video_id} before). */
  String id();

  /**
   * The video's classes, sorted ascending without duplicates (the starter code one-hot encodes
   * labels, so a repeated label counts once). Empty for test shards, which carry no labels. The
   * array is shared, not copied: callers must not modify it.
   */
  int[] labels();

  /** Whether the record carries at least one label. */
  default boolean hasLabels() {
    return labels().length > 0;
  }
}
