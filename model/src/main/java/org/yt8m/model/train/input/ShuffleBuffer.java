package org.yt8m.model.train.input;

import java.util.ArrayList;
import java.util.Random;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Where the reader threads meet the batch assembler: it hands out shards, each epoch's in a
 * seeded random order, and holds up to {@code capacity} decoded records. When it is full, the
 * assembler draws a batch from it at random, and readers refill it. This is the starter code's
 * {@code shuffle_batch_join}, which dequeues a whole batch at random once {@code
 * min_after_dequeue + batch_size} records are queued; drawing a batch at a time rather than a
 * record at a time also means one wake-up per batch between the threads, not two per record.
 *
 * <p>Epochs do not mix: every record of epoch e is taken before any of epoch e + 1, so the
 * records taken, cut into epochs, are each a permutation of the data (the starter's queue lets
 * epochs overlap). Once the last shard of an epoch has been read, its remaining records are drawn
 * without waiting for a full buffer. Readers start reading epoch e + 1 as soon as every shard of
 * epoch e has been read to its end and the assembler has reached epoch e; they fill the buffer
 * with it while the tail of epoch e is drawn, so an epoch boundary costs no refill. Hence at most
 * two epochs are held, and the older is always read to its end when the newer is present, so it
 * can be drawn: the assembler never waits on readers that wait for room.
 *
 * <p>Shard hand-out lives here, not in a queue of its own, because both sides wait on the same
 * event: an epoch read to its end. One lock guards everything.
 *
 * <p>With one reader thread the records drawn are a function of the seed alone: a draw begins
 * only on a full buffer or a finished epoch and runs to the end of the batch without releasing
 * the lock, so every draw sees the same buffer contents whatever the threads' timing.
 */
final class ShuffleBuffer {
  private final int numEpochs;
  private final int capacity;
  private final Random shardOrder;
  private final Random picks;
  private final int[] order;

  /** The epoch whose shards are handed out; 0 before the first. */
  private int readingEpoch;
  private int handedOut;
  private int finished;
  private long recordsInReadingEpoch;

  /** The epoch records are taken from: {@code readingEpoch} or the one before it. */
  private int takingEpoch = 1;
  private ArrayList<Yt8mRecord> current = new ArrayList<>();
  /** Records of {@code takingEpoch + 1}, read while the tail of {@code takingEpoch} is taken. */
  private ArrayList<Yt8mRecord> ahead = new ArrayList<>();
  private boolean stopped;

  /**
   * @param numShards shards in every epoch
   * @param numEpochs epochs to read; 0 reads until stopped
   * @param capacity records held at most
   */
  ShuffleBuffer(int numShards, int numEpochs, int capacity, long seed) {
    this.numEpochs = numEpochs;
    this.capacity = capacity;
    this.order = new int[numShards];
    Random seeds = new Random(seed);
    this.shardOrder = new Random(seeds.nextLong());
    this.picks = new Random(seeds.nextLong());
  }

  /**
   * The index of the next shard to read, waiting while the current epoch's last shards are
   * still being read.
   *
   * @return -1 when every epoch has been handed out, or the buffer is stopped
   */
  synchronized int nextShard() throws InterruptedException {
    while (!stopped) {
      if (readingEpoch > 0 && handedOut < order.length) {
        return order[handedOut++];
      }
      boolean epochRead = readingEpoch == 0 || finished == order.length;
      if (epochRead && readingEpoch == numEpochs && numEpochs > 0) {
        return -1;
      }
      if (epochRead && readingEpoch <= takingEpoch) {
        startEpoch();
      } else {
        wait();
      }
    }
    return -1;
  }

  /**
   * Adds a record of the shard being read, waiting while the buffer is full.
   *
   * @return false when the buffer was stopped instead: the reader should stop
   */
  synchronized boolean put(Yt8mRecord record) throws InterruptedException {
    while (!stopped && current.size() + ahead.size() >= capacity) {
      wait();
    }
    if (stopped) {
      return false;
    }
    (readingEpoch == takingEpoch ? current : ahead).add(record);
    recordsInReadingEpoch++;
    if (current.size() + ahead.size() == capacity) {
      notifyAll(); // the assembler draws from a full buffer
    }
    return true;
  }

  /**
   * Marks a handed-out shard read to its end.
   *
   * @throws InputFailedException when this completes an epoch that found no valid record (the
   *     buffer is then stopped): more epochs would find none either, and reading until stopped
   *     would never end
   */
  synchronized void shardFinished() {
    finished++;
    if (finished == order.length && recordsInReadingEpoch == 0) {
      stop(); // before another reader starts the next epoch
      throw new InputFailedException("epoch " + readingEpoch + " read no valid record from "
          + order.length + " shards: they are empty, or every record was skipped");
    }
    notifyAll();
  }

  /**
   * Draws the next {@code records.length} records at random into {@code records}, and the
   * 1-based epoch each was read in into {@code epochs}, waiting until the buffer is full or the
   * epoch has been read to its end.
   *
   * @return how many were drawn: all, unless every epoch has been drawn (fewer, maybe none) or
   *     the buffer was stopped
   */
  synchronized int take(Yt8mRecord[] records, int[] epochs) throws InterruptedException {
    int count = 0;
    boolean drawing = false; // a draw, once begun, runs to the end of the batch or the records
    while (count < records.length && !stopped) {
      boolean epochRead = readingEpoch > takingEpoch
          || (readingEpoch == takingEpoch && finished == order.length);
      if (current.isEmpty()) {
        drawing = false;
        if (epochRead && takingEpoch == numEpochs) {
          break;
        }
        if (epochRead) {
          ArrayList<Yt8mRecord> emptied = current;
          current = ahead;
          ahead = emptied;
          takingEpoch++;
          continue;
        }
      } else if (drawing || epochRead || current.size() >= capacity) {
        drawing = true;
        epochs[count] = takingEpoch;
        records[count++] = removeRandom();
        continue;
      }
      notifyAll(); // readers: there is room, or the next epoch may start
      wait();
    }
    notifyAll();
    return count;
  }

  /** Whether {@link #stop()} was called: a short {@link #take} is then no end of the run. */
  synchronized boolean stopped() {
    return stopped;
  }

  /** Wakes every waiting thread: from now on nothing is handed out, put or taken. */
  synchronized void stop() {
    stopped = true;
    current.clear();
    ahead.clear();
    notifyAll();
  }

  private void startEpoch() {
    readingEpoch++;
    handedOut = 0;
    finished = 0;
    recordsInReadingEpoch = 0;
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
      int j = shardOrder.nextInt(i + 1);
      int shard = order[i];
      order[i] = order[j];
      order[j] = shard;
    }
  }

  /** Removes a uniformly drawn record, moving the last one into its place. */
  private Yt8mRecord removeRandom() {
    int last = current.size() - 1;
    int i = picks.nextInt(last + 1);
    Yt8mRecord record = current.get(i);
    current.set(i, current.get(last));
    current.remove(last);
    return record;
  }
}
