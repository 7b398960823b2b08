package org.yt8m.model.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Exact counts per distinct float32 score: how many predictions had that score, and how many of
 * them were positives. Everything AP needs, order-free and merged by addition, so it is the
 * accumulator of both the Beam combines and the plain loop.
 *
 * <p>Entries are appended unsorted and {@link #compact() compacted} (sorted by score, highest
 * first, equal scores summed) when read, or, past 65,536 entries, when they have doubled since
 * the last compaction, so adding n predictions costs O(n log n) and memory stays proportional to
 * the distinct scores: 20 bytes each. Merging two compacted counts is one linear merge.
 * Mutable; not thread-safe.
 */
public final class ScoreCounts {
  /** Entries appended before an add may compact them: about 1.3 MB of arrays. */
  private static final int COMPACT_THRESHOLD = 1 << 16;

  private float[] scores;
  private long[] positives;
  private long[] counts;
  private int size;
  private int compactedSize;
  private boolean sorted = true;

  public ScoreCounts() {
    this(16);
  }

  /** Empty counts with room for {@code capacity} entries before growing. */
  public ScoreCounts(int capacity) {
    scores = new float[Math.max(1, capacity)];
    positives = new long[scores.length];
    counts = new long[scores.length];
  }

  /** Counts one prediction. */
  public ScoreCounts add(float score, boolean positive) {
    return add(score, positive ? 1 : 0, 1);
  }

  /**
   * Adds {@code count} predictions of {@code score}, {@code positives} of them positive.
   *
   * @throws IllegalArgumentException for a NaN or infinite score, or counts out of order
   */
  public ScoreCounts add(float score, long positives, long count) {
    if (!Scores.isValid(score)) { // not checkArgument: it would box the score on every call
      throw new IllegalArgumentException("score " + score + " is not finite");
    }
    checkArgument(0 <= positives && positives <= count, "%s positives of %s", positives, count);
    if (size == scores.length) {
      // Compacting sorts everything; below the threshold it costs more than the memory saves.
      if (size >= COMPACT_THRESHOLD && size >= 2 * compactedSize) {
        compact();
      }
      if (size == scores.length) {
        grow(size + 1);
      }
    }
    if (sorted && size > 0 && Scores.normalize(score) >= scores[size - 1]) {
      sorted = false;
    }
    scores[size] = Scores.normalize(score);
    this.positives[size] = positives;
    counts[size] = count;
    size++;
    return this;
  }

  /**
   * Adds all of {@code other}'s counts. When both are compacted (the usual case when merging
   * accumulators) this is one linear merge of two sorted lists.
   */
  public ScoreCounts addAll(ScoreCounts other) {
    if (sorted && other.sorted && compactedSize == size && other.compactedSize == other.size) {
      mergeSorted(other);
      return this;
    }
    grow(size + other.size);
    for (int i = 0; i < other.size; i++) {
      add(other.scores[i], other.positives[i], other.counts[i]);
    }
    return this;
  }

  /** Merges {@code other}'s compacted entries into these compacted ones, highest score first. */
  private void mergeSorted(ScoreCounts other) {
    int capacity = Math.max(16, size + other.size);
    float[] newScores = new float[capacity];
    long[] newPositives = new long[capacity];
    long[] newCounts = new long[capacity];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < size || j < other.size) {
      boolean takeMine = j == other.size || (i < size && scores[i] >= other.scores[j]);
      boolean takeBoth = i < size && j < other.size && scores[i] == other.scores[j];
      if (takeBoth) {
        newScores[n] = scores[i];
        newPositives[n] = positives[i] + other.positives[j];
        newCounts[n] = counts[i++] + other.counts[j++];
      } else if (takeMine) {
        newScores[n] = scores[i];
        newPositives[n] = positives[i];
        newCounts[n] = counts[i++];
      } else {
        newScores[n] = other.scores[j];
        newPositives[n] = other.positives[j];
        newCounts[n] = other.counts[j++];
      }
      n++;
    }
    scores = newScores;
    positives = newPositives;
    counts = newCounts;
    size = n;
    compactedSize = n;
  }

  /** Sorts by score, highest first, and sums equal scores. Idempotent. */
  public ScoreCounts compact() {
    if (!sorted) {
      long[] keys = new long[size];
      for (int i = 0; i < size; i++) {
        // Descending score order, then original position (so the sort is stable).
        keys[i] = ((long) ~Scores.sortableBits(scores[i]) << 32) | i;
      }
      Arrays.sort(keys);
      float[] newScores = new float[Math.max(16, size)];
      long[] newPositives = new long[newScores.length];
      long[] newCounts = new long[newScores.length];
      int distinct = 0;
      for (long key : keys) {
        int i = (int) key;
        if (distinct > 0 && newScores[distinct - 1] == scores[i]) {
          newPositives[distinct - 1] += positives[i];
          newCounts[distinct - 1] += counts[i];
        } else {
          newScores[distinct] = scores[i];
          newPositives[distinct] = positives[i];
          newCounts[distinct] = counts[i];
          distinct++;
        }
      }
      scores = newScores;
      positives = newPositives;
      counts = newCounts;
      size = distinct;
      sorted = true;
    }
    compactedSize = size;
    return this;
  }

  /** Distinct scores after {@link #compact()}; entries before it. */
  public int size() {
    return size;
  }

  /** The i-th entry's score (the i-th highest after {@link #compact()}). */
  public float score(int i) {
    return scores[i];
  }

  /** The i-th entry's positives. */
  public long positives(int i) {
    return positives[i];
  }

  /** The i-th entry's predictions. */
  public long count(int i) {
    return counts[i];
  }

  /** All positives counted. */
  public long totalPositives() {
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += positives[i];
    }
    return total;
  }

  /** All predictions counted. */
  public long totalCount() {
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += counts[i];
    }
    return total;
  }

  private void grow(int capacity) {
    if (capacity > scores.length) {
      int newCapacity = Math.max(capacity, scores.length + (scores.length >> 1));
      scores = Arrays.copyOf(scores, newCapacity);
      positives = Arrays.copyOf(positives, newCapacity);
      counts = Arrays.copyOf(counts, newCapacity);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ScoreCounts other)) {
      return false;
    }
    compact();
    other.compact();
    return Arrays.equals(scores, 0, size, other.scores, 0, other.size)
        && Arrays.equals(positives, 0, size, other.positives, 0, other.size)
        && Arrays.equals(counts, 0, size, other.counts, 0, other.size);
  }

  @Override
  public int hashCode() {
    compact();
    int hash = 1;
    for (int i = 0; i < size; i++) {
      hash = 31 * (31 * (31 * hash + Float.hashCode(scores[i])) + Long.hashCode(positives[i]))
          + Long.hashCode(counts[i]);
    }
    return hash;
  }

  @Override
  public String toString() {
    return "ScoreCounts{" + size + " scores, " + totalPositives() + " positives of "
        + totalCount() + "}";
  }
}
