package org.yt8m.model.record;

import java.util.Arrays;

/** Label-array rules shared by the record types and the decoder. */
public final class Labels {
  private static final int[] NONE = new int[0];

  private Labels() {}

  /** The empty label array (test shards). */
  public static int[] none() {
    return NONE;
  }

  /**
   * Sorts {@code labels[0, count)} in place and returns them without duplicates, as a new array
   * of exactly the distinct values.
   */
  public static int[] sortedUnique(int[] labels, int count) {
    if (count == 0) {
      return NONE;
    }
    Arrays.sort(labels, 0, count);
    int distinct = 1;
    for (int i = 1; i < count; i++) {
      if (labels[i] != labels[distinct - 1]) {
        labels[distinct++] = labels[i];
      }
    }
    return Arrays.copyOf(labels, distinct);
  }

  static int[] checkSortedUnique(int[] labels) {
    for (int i = 1; i < labels.length; i++) {
      if (labels[i] <= labels[i - 1]) {
        throw new IllegalArgumentException(
            "labels must be sorted ascending without duplicates: " + Arrays.toString(labels));
      }
    }
    return labels;
  }
}
