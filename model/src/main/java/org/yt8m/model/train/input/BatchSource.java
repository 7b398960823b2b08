package org.yt8m.model.train.input;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import org.yt8m.model.io.CorruptRecordException;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.Yt8mRecord;

/**
 * The trainer's input: training batches read from YouTube-8M shards ahead of the training step,
 * so that the step does not wait on input.
 *
 * <pre>{@code
 * try (BatchSource input = BatchSource.builder(shards, decoder, frameLevel)
 *     .withBatchSize(1024).withNumEpochs(5).withSeed(seed).build()) {
 *   for (Optional<Batch> batch = input.next(); batch.isPresent(); batch = input.next()) {
 *     step(batch.get());
 *   }
 * }
 * }</pre>
 *
 * <p>Reader threads take shards from a per-epoch list shuffled with the seed, frame them with
 * {@link TfRecordReader}, decode them with their own copy of the given {@link Yt8mDecoder} (the
 * one decoder every job uses; an instance is not thread-safe), and put the records into a
 * bounded {@link ShuffleBuffer}. One assembler thread draws each batch's records from it at
 * random, lays them out as a {@link Batch} and queues up to {@code prefetchBatches} batches;
 * {@link #next()} takes the oldest.
 *
 * <ul>
 *   <li>Every epoch reads every valid record exactly once, and epochs do not mix. Batches run on
 *       across epoch boundaries; only the last batch of the run may be smaller than the batch
 *       size, or is dropped with {@code withDropRemainder(true)}.
 *   <li>Records the decoder rejects are skipped, counted by reason ({@link #skipped()}) once
 *       however many epochs read them (in a shard's first read; a rejection depends on the
 *       bytes alone), and the first {@value #LOGGED_SKIPS} are logged with the shard, the
 *       record's index and the reason. A shard whose framing is corrupt, or that cannot be read,
 *       fails the source: {@link #next()} throws {@link InputFailedException} naming the shard
 *       (and, for corrupt framing, the record's index and byte offset).
 *   <li>With one reader thread the batches are a function of the shards and the seed; with
 *       more, only what each epoch holds is.
 *   <li>Memory is bounded: {@code shuffleBuffer} decoded records (frame-level ones quantized,
 *       a byte per value), one record per reader waiting for room, the batch being assembled and
 *       {@code prefetchBatches} ready ones, besides those the consumer holds. Batch arrays are
 *       allocated per batch, not pooled: a pool would need the training loop to hand batches
 *       back, and one handed back while a tensor made from it is still in use would be
 *       overwritten. The price is zeroing fresh arrays, mostly the one-hot labels (3862 floats
 *       a video, more than the 1152 features). A frame-level batch is large
 *       ({@code batchSize * frames * 1152} floats, 1.4 GB for 1024 videos of 300 frames), so
 *       size the prefetch with that in mind.
 * </ul>
 *
 * <p>{@link #next()} is for one consuming thread; the counters may be read from any thread.
 */
public final class BatchSource implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BatchSource.class.getName());
  /** Skipped records logged one by one; later ones are only counted. */
  static final int LOGGED_SKIPS = 10;
  private static final int READ_BUFFER_BYTES = 1 << 16;
  private static final long JOIN_MILLIS = 10_000;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final AtomicInteger SOURCES = new AtomicInteger();

  private final List<ShardSource> shards;
  private final Yt8mDecoder decoder;
  private final boolean frameLevel;
  private final int segmentSize;
  private final int batchSize;
  private final boolean dropRemainder;
  private final ShuffleBuffer buffer;
  private final BatchQueue ready;
  private final BatchAssembler assembler;
  private final List<Thread> threads = new ArrayList<>();

  private final LongAdder recordsRead = new LongAdder();
  private final AtomicLongArray skipped = new AtomicLongArray(RejectReason.values().length);
  /** Shards whose skipped records are counted already: the ones read once. */
  private final Set<Integer> shardsCounted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger skipsLogged = new AtomicInteger();
  private final AtomicLong nanosWaited = new AtomicLong();
  private final AtomicReference<InputFailedException> failure = new AtomicReference<>();
  private volatile boolean closed;

  private BatchSource(Builder builder) {
    this.shards = builder.shards;
    this.decoder = builder.decoder;
    this.frameLevel = builder.frameLevel;
    this.segmentSize = builder.segmentSize;
    this.batchSize = builder.batchSize;
    this.dropRemainder = builder.dropRemainder;
    this.buffer = new ShuffleBuffer(shards.size(), builder.numEpochs,
        builder.shuffleBuffer > 0 ? builder.shuffleBuffer : 4 * batchSize, builder.seed);
    this.ready = new BatchQueue(builder.prefetchBatches);
    this.assembler = new BatchAssembler(frameLevel, decoder.features().totalSize(),
        decoder.numClasses());
    String prefix = "yt8m-input-" + SOURCES.incrementAndGet();
    for (int i = 0; i < builder.readerThreads; i++) {
      threads.add(new Thread(this::read, prefix + "-reader-" + i));
    }
    threads.add(new Thread(this::assemble, prefix + "-batcher"));
    for (Thread thread : threads) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * A builder over {@code shards} (read in full every epoch), decoded with copies of
   * {@code decoder} (its features, classes and maxFrames) as frame-level
   * {@code SequenceExample}s when {@code frameLevel}, else as video-level {@code Example}s.
   */
  public static Builder builder(List<ShardSource> shards, Yt8mDecoder decoder,
      boolean frameLevel) {
    return new Builder(shards, decoder, frameLevel);
  }

  /**
   * The next batch, waiting for it when none is ready.
   *
   * @return empty when every epoch has been read, or the source is closed
   * @throws InputFailedException when a shard could not be read (the first failure)
   */
  public Optional<Batch> next() throws InterruptedException {
    long start = System.nanoTime();
    Batch batch;
    try {
      batch = ready.take();
    } finally {
      nanosWaited.addAndGet(System.nanoTime() - start);
    }
    InputFailedException failed = failure.get();
    if (failed != null) {
      // A new exception, so the trace shows the training loop as well as the reader.
      throw new InputFailedException(failed.getMessage(),
          failed.getCause() != null ? failed.getCause() : failed);
    }
    return Optional.ofNullable(batch);
  }

  /** Valid records decoded so far, counting each again in every epoch; buffered ones too. */
  public long recordsRead() {
    return recordsRead.sum();
  }

  /** Records skipped so far by the reason the decoder gave, each once however often read. */
  public Map<RejectReason, Long> skipped() {
    Map<RejectReason, Long> counts = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      long count = skipped.get(reason.ordinal());
      if (count > 0) {
        counts.put(reason, count);
      }
    }
    return Collections.unmodifiableMap(counts);
  }

  /** Nanoseconds {@link #next()} has spent waiting for batches: input time the step saw. */
  public long nanosWaited() {
    return nanosWaited.get();
  }

  /**
   * Stops the threads and waits for them, mid-epoch or not; later calls of {@link #next()}
   * return empty. A thread stuck in a read that ignores interrupts (a remote stream) is left to
   * finish it as a daemon after ten seconds, with a warning.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ready.stop();
    buffer.stop();
    threads.forEach(Thread::interrupt); // unblocks interruptible reads
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
      for (Thread thread : threads) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (thread.isAlive()) {
          LOG.warning(thread.getName() + " did not stop within " + JOIN_MILLIS
              + " ms of close(); it is a daemon and exits when its read returns");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A reader thread: shards from the buffer's schedule until every epoch is handed out. */
  private void read() {
    Yt8mDecoder own = new Yt8mDecoder(decoder.features(), decoder.numClasses(),
        decoder.maxFrames());
    try {
      for (int shard = buffer.nextShard(); shard >= 0; shard = buffer.nextShard()) {
        if (!readShard(shards.get(shard), own, shardsCounted.add(shard))) {
          return;
        }
        buffer.shardFinished();
      }
    } catch (InterruptedException e) {
      // close() interrupted a wait: the buffer is stopped, nothing is left to do.
    } catch (Throwable t) { // anything, or the training loop would wait forever
      fail(t);
    }
  }

  /**
   * Reads one shard into the buffer, counting its skipped records when {@code firstRead};
   * false when the buffer was stopped meanwhile.
   */
  private boolean readShard(ShardSource shard, Yt8mDecoder own, boolean firstRead)
      throws InterruptedException {
    try (TfRecordReader reader = new TfRecordReader(shard.name(),
        new BufferedInputStream(shard.open(), READ_BUFFER_BYTES))) {
      while (reader.next()) {
        List<? extends Yt8mRecord> examples;
        try {
          examples = examples(own, reader.buffer(), reader.length());
        } catch (InvalidRecordException e) {
          if (firstRead) {
            skip(shard, reader.recordIndex(), e);
          }
          continue;
        }
        for (Yt8mRecord example : examples) {
          recordsRead.increment();
          if (!buffer.put(example)) {
            return false;
          }
        }
      }
      return true;
    } catch (CorruptRecordException e) {
      throw new InputFailedException(e.getMessage(), e); // names the shard, record and offset
    } catch (IOException e) {
      throw new InputFailedException(shard.name() + ": cannot read: " + e, e);
    }
  }

  /** A shard record's training examples: itself, or its rated segments. */
  private List<? extends Yt8mRecord> examples(Yt8mDecoder own, byte[] data, int length)
      throws InvalidRecordException {
    if (segmentSize > 0) {
      return SegmentExamples.of(own.decodeRatedVideo(data, length, segmentSize));
    }
    return List.of(frameLevel ? own.decodeFrames(data, length) : own.decodeVideo(data, length));
  }

  private void skip(ShardSource shard, long recordIndex, InvalidRecordException e) {
    skipped.incrementAndGet(e.reason().ordinal());
    int logged = skipsLogged.getAndIncrement();
    if (logged < LOGGED_SKIPS) {
      String id = e.recordId() != null ? " (id " + e.recordId() + ")" : "";
      LOG.warning(shard.name() + ": skipping record " + recordIndex + id + ": "
          + e.reason().code() + ": " + e.getMessage()
          + (logged == LOGGED_SKIPS - 1 ? "; further skipped records are only counted" : ""));
    }
  }

  /** The assembler thread: batches from the buffer into the ready queue. */
  private void assemble() {
    Yt8mRecord[] records = new Yt8mRecord[batchSize];
    int[] epochs = new int[batchSize];
    try {
      while (true) {
        int count = buffer.take(records, epochs);
        boolean last = count < batchSize;
        if (last && buffer.stopped()) {
          return; // closed, or failing: whoever stopped the buffer stops the queue too
        }
        if (count > 0 && !(last && dropRemainder)) {
          Batch batch = assembler.assemble(records, count, epochs[count - 1]);
          Arrays.fill(records, null); // the batch holds their values now: let them go
          if (!ready.put(batch)) {
            return;
          }
        }
        if (last) {
          ready.finish();
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() interrupted a wait: the queue is stopped, nothing is left to do.
    } catch (Throwable t) {
      fail(t);
    }
  }

  /** Records the first failure and stops everything, so that next() throws it at once. */
  private void fail(Throwable t) {
    if (closed) {
      return; // an interrupted read after close() is not a failure
    }
    InputFailedException failed = t instanceof InputFailedException e ? e
        : new InputFailedException("input pipeline thread " + Thread.currentThread().getName()
            + " failed: " + t, t);
    failure.compareAndSet(null, failed);
    ready.stop();
    buffer.stop();
  }

  /** Settings of a {@link BatchSource}; {@link #withBatchSize} is required. */
  public static final class Builder {
    private final List<ShardSource> shards;
    private final Yt8mDecoder decoder;
    private final boolean frameLevel;
    private int segmentSize;
    private int batchSize;
    private int numEpochs = 1;
    private int shuffleBuffer;
    private int readerThreads = 2;
    private int prefetchBatches = 4;
    private long seed;
    private boolean dropRemainder;

    private Builder(List<ShardSource> shards, Yt8mDecoder decoder, boolean frameLevel) {
      this.shards = List.copyOf(shards);
      this.decoder = requireNonNull(decoder, "decoder");
      this.frameLevel = frameLevel;
      checkArgument(!this.shards.isEmpty(), "no shards to read");
    }

    /** Videos per batch; required. */
    public Builder withBatchSize(int batchSize) {
      checkArgument(batchSize > 0, "batch size must be positive: %s", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Segment training: each record is a segment-rated frame-level video, and each of its
     * rated segments of {@code segmentSize} frames is an example ({@link SegmentExamples});
     * a video whose ratings break the rules is skipped by reason. Default 0: records are
     * examples.
     */
    public Builder withSegments(int segmentSize) {
      checkArgument(frameLevel, "segments are cut from frame-level records");
      checkArgument(segmentSize > 0, "segment size must be positive: %s", segmentSize);
      this.segmentSize = segmentSize;
      return this;
    }

    /** Epochs to read (default 1); 0 reads until the source is closed. */
    public Builder withNumEpochs(int numEpochs) {
      checkArgument(numEpochs >= 0, "numEpochs must not be negative: %s", numEpochs);
      this.numEpochs = numEpochs;
      return this;
    }

    /**
     * Records buffered for the shuffle: each batch is drawn at random from this many (default
     * four batches; the starter code draws from at least two, {@code min_after_dequeue +
     * batch_size}, in a queue of five). 1 keeps the order the shards are read in.
     */
    public Builder withShuffleBuffer(int records) {
      checkArgument(records > 0, "shuffle buffer must hold at least one record: %s", records);
      this.shuffleBuffer = records;
      return this;
    }

    /** Threads reading and decoding shards (default 2). */
    public Builder withReaderThreads(int readerThreads) {
      checkArgument(readerThreads > 0, "reader threads must be positive: %s", readerThreads);
      this.readerThreads = readerThreads;
      return this;
    }

    /** Batches assembled ahead of {@link BatchSource#next()} (default 4). */
    public Builder withPrefetchBatches(int prefetchBatches) {
      checkArgument(prefetchBatches > 0, "prefetch batches must be positive: %s",
          prefetchBatches);
      this.prefetchBatches = prefetchBatches;
      return this;
    }

    /** Seeds the shard order of every epoch and the shuffle's draws (default 0). */
    public Builder withSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether to drop the run's last batch when it is smaller than the batch size. */
    public Builder withDropRemainder(boolean dropRemainder) {
      this.dropRemainder = dropRemainder;
      return this;
    }

    /** Starts the threads; close the source to stop them. */
    public BatchSource build() {
      checkState(batchSize > 0, "withBatchSize is required");
      long values = (long) batchSize * decoder.features().totalSize()
          * (frameLevel ? decoder.maxFrames() : 1);
      checkArgument(values <= MAX_ARRAY && (long) batchSize * decoder.numClasses() <= MAX_ARRAY,
          "a batch of %s videos needs %s feature values and %s labels, more than a Java array "
              + "holds: use a smaller batch", batchSize, values,
          (long) batchSize * decoder.numClasses());
      return new BatchSource(this);
    }
  }
}
