package org.yt8m.model.metrics;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A video's top-k predictions: the k highest scores, highest first, ties broken by lower class
 * index (the reference's rule; the starter code's order among ties is arbitrary). Selection keeps
 * a k-element heap, O(C log k), allocating only the result.
 */
public final class TopK {
  private TopK() {}

  /**
   * The classes of the {@code min(k, scores.length)} best scores, best first.
   *
   * @throws IllegalArgumentException when a score is NaN or infinite
   */
  public static int[] classes(float[] scores, int k) {
    checkArgument(k >= 0, "k must not be negative: %s", k);
    int size = Math.min(k, scores.length);
    int[] heap = new int[size]; // a min-heap of the best so far: worst at the root
    int count = 0;
    for (int c = 0; c < scores.length; c++) {
      if (!Scores.isValid(scores[c])) {
        throw new IllegalArgumentException("score of class " + c + " is " + scores[c]);
      }
      if (count < size) {
        heap[count] = c;
        siftUp(heap, count++, scores);
      } else if (size > 0 && better(c, heap[0], scores)) {
        heap[0] = c;
        siftDown(heap, size, scores);
      }
    }
    // Pop worst-first into the back of the result.
    int[] result = new int[size];
    for (int i = size - 1; i >= 0; i--) {
      result[i] = heap[0];
      heap[0] = heap[i];
      siftDown(heap, i, scores);
    }
    return result;
  }

  /** The scores of {@code classes}, in that order. */
  public static float[] scoresOf(float[] scores, int[] classes) {
    float[] result = new float[classes.length];
    for (int i = 0; i < classes.length; i++) {
      result[i] = Scores.normalize(scores[classes[i]]);
    }
    return result;
  }

  /** Whether class {@code a} ranks before class {@code b}. */
  static boolean better(int a, int b, float[] scores) {
    float sa = scores[a];
    float sb = scores[b];
    return sa > sb || (sa == sb && a < b);
  }

  private static void siftUp(int[] heap, int index, float[] scores) {
    int node = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      if (!better(heap[parent], node, scores)) {
        break;
      }
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = node;
  }

  private static void siftDown(int[] heap, int size, float[] scores) {
    if (size == 0) {
      return;
    }
    int index = 0;
    int node = heap[0];
    while (true) {
      int child = 2 * index + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && better(heap[child], heap[child + 1], scores)) {
        child++;
      }
      if (!better(node, heap[child], scores)) {
        break;
      }
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = node;
  }
}
