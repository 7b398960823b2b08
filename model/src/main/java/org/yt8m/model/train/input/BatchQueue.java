package org.yt8m.model.train.input;

import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The ready batches between the assembler and the training loop: a bounded FIFO that, unlike a
 * {@code BlockingQueue}, also knows when the run has ended and lets a stop wake both sides at
 * once, so neither a failure nor {@code close()} leaves a thread waiting.
 */
final class BatchQueue {
  private final int capacity;
  private final ArrayDeque<Batch> ready = new ArrayDeque<>();
  private boolean finished;
  private boolean stopped;

  BatchQueue(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Adds a batch, waiting while {@code capacity} batches are ready.
   *
   * @return false when the queue was stopped instead
   */
  synchronized boolean put(Batch batch) throws InterruptedException {
    while (!stopped && ready.size() >= capacity) {
      wait();
    }
    if (stopped) {
      return false;
    }
    ready.add(batch);
    notifyAll();
    return true;
  }

  /** No batch will follow the ones queued. */
  synchronized void finish() {
    finished = true;
    notifyAll();
  }

  /** Drops the queued batches and wakes both sides: nothing is put or taken from now on. */
  synchronized void stop() {
    stopped = true;
    ready.clear();
    notifyAll();
  }

  /**
   * The oldest ready batch, waiting for one.
   *
   * @return null when the run has ended and every batch was taken, or the queue is stopped
   */
  synchronized @Nullable Batch take() throws InterruptedException {
    while (!stopped && !finished && ready.isEmpty()) {
      wait();
    }
    if (stopped) {
      return null;
    }
    Batch batch = ready.poll();
    notifyAll();
    return batch;
  }
}
