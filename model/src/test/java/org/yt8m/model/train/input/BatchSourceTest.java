package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;

/** Epochs, batch sizes, order and its determinism, and stopping. */
class BatchSourceTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  @TempDir Path dir;

  @ParameterizedTest(name = "frameLevel={0}, readers={1}")
  @CsvSource({"false, 1", "false, 4", "true, 1", "true, 4"})
  void everyEpochReadsEveryRecordExactlyOnce(boolean frameLevel, int readers) throws Exception {
    // 103 videos in 5 shards of 21 or 20, read 3 times in batches of 16: 309 = 19 x 16 + 5.
    List<ShardSource> shards = TestShards.write(dir, "train", 103, 5, frameLevel);
    Set<String> all = TestShards.records(shards, frameLevel, TestShards.MAX_FRAMES).keySet();
    List<Batch> batches;
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(frameLevel),
        frameLevel).withBatchSize(16).withShuffleBuffer(32).withReaderThreads(readers)
        .withPrefetchBatches(2).withNumEpochs(3).withSeed(5).build()) {
      batches = TestShards.drain(source);
      assertEquals(309, source.recordsRead());
      assertEquals(0, source.skipped().size());
      assertTrue(source.nanosWaited() > 0, "the first batch is waited for");
    }
    List<String> ids = TestShards.ids(batches);
    assertEquals(309, ids.size());
    for (int epoch = 0; epoch < 3; epoch++) {
      // Epochs do not mix: each run of 103 records is the whole data, each record once.
      List<String> window = ids.subList(epoch * 103, (epoch + 1) * 103);
      assertEquals(all, new HashSet<>(window), "epoch " + (epoch + 1));
    }
    assertEquals(20, batches.size());
    int read = 0;
    for (int i = 0; i < batches.size(); i++) {
      Batch batch = batches.get(i);
      assertEquals(i < 19 ? 16 : 5, batch.size(), "batch " + i);
      read += batch.size();
      assertEquals((read - 1) / 103 + 1, batch.epoch(), "epoch of batch " + i);
    }
  }

  @Test
  void dropRemainderDropsOnlyTheRunsLastPartialBatch() throws Exception {
    // 2 x 103 = 206 = 12 x 16 + 14: batches straddle the epoch boundary, the last 14 go.
    List<ShardSource> shards = TestShards.write(dir, "train", 103, 5, false);
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(false), false)
        .withBatchSize(16).withNumEpochs(2).withDropRemainder(true).build()) {
      List<Batch> batches = TestShards.drain(source);
      assertEquals(12, batches.size());
      assertTrue(batches.stream().allMatch(batch -> batch.size() == 16));
      assertEquals(List.of(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2),
          batches.stream().map(Batch::epoch).toList());
    }
  }

  @Test
  void oneReaderAndASeedGiveTheSameBatchesEveryRun() throws Exception {
    List<ShardSource> shards = TestShards.write(dir, "train", 60, 4, false);
    List<List<String>> first = batchIds(shards, 42, 16);
    assertEquals(first, batchIds(shards, 42, 16));
    assertNotEquals(first, batchIds(shards, 43, 16), "another seed, another order");
    // And it is shuffled: not the order a buffer of one record keeps (shards in the seed's
    // order, each read front to back).
    assertNotEquals(flatten(batchIds(shards, 42, 1)), flatten(first));
  }

  @Test
  void aShuffleBufferOfOneKeepsTheFileOrder() throws Exception {
    List<ShardSource> shards = TestShards.write(dir, "train", 10, 1, false);
    List<String> fileOrder = List.copyOf(
        TestShards.records(shards, false, TestShards.MAX_FRAMES).keySet());
    List<String> twice = new ArrayList<>(fileOrder);
    twice.addAll(fileOrder);
    assertEquals(twice, flatten(batchIds(shards, 42, 1)));
  }

  @Test
  void readsAheadUpToTheBoundAndNoFurther() throws Exception {
    // Nobody takes a batch: the queue fills with 3 batches, a 4th waits for room, the buffer
    // refills to 16 records and the one reader holds one more: 16 + 4 x 8 + 1 = 49 read.
    List<ShardSource> shards = TestShards.write(dir, "train", 200, 2, false);
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(false), false)
        .withBatchSize(8).withShuffleBuffer(16).withPrefetchBatches(3).withReaderThreads(1)
        .build()) {
      assertTimeoutPreemptively(PROMPTLY, () -> {
        while (source.recordsRead() < 49) {
          Thread.sleep(10);
        }
      });
      Thread.sleep(200);
      assertEquals(49, source.recordsRead());
      for (int i = 0; i < 3; i++) {
        long waited = source.nanosWaited();
        assertEquals(8, source.next().orElseThrow().size());
        assertTrue(source.nanosWaited() - waited < TimeUnit.SECONDS.toNanos(1), "ready");
      }
    }
  }

  @Test
  void closeMidEpochStopsEveryThreadPromptly() throws Exception {
    // Until closed: readers end up waiting on a full buffer, the batcher on a full queue.
    List<ShardSource> shards = TestShards.write(dir, "train", 400, 4, true);
    BatchSource source = BatchSource.builder(shards, TestShards.decoder(true), true)
        .withBatchSize(8).withShuffleBuffer(16).withPrefetchBatches(2).withNumEpochs(0)
        .build();
    for (int i = 0; i < 3; i++) {
      assertTrue(source.next().isPresent());
    }
    assertTimeoutPreemptively(PROMPTLY, source::close);
    assertEquals(Optional.empty(), source.next());
    source.close(); // again: nothing to do
    assertEquals(List.of(), liveInputThreads());
  }

  @Test
  void closeWakesAWaitingConsumerAndInterruptsABlockedRead() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch reading = new CountDownLatch(1);
    ShardSource stalled = new ShardSource() {
      @Override
      public String name() {
        return "stalled.tfrecord";
      }

      @Override
      public InputStream open() {
        return new InputStream() { // a remote read that never answers
          @Override
          public int read() throws IOException {
            reading.countDown();
            try {
              never.await();
            } catch (InterruptedException e) {
              throw new InterruptedIOException("interrupted");
            }
            return -1;
          }
        };
      }
    };
    BatchSource source = BatchSource.builder(List.of(stalled), TestShards.decoder(false), false)
        .withBatchSize(4).withReaderThreads(1).build();
    CompletableFuture<Optional<Batch>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return source.next();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertTrue(reading.await(10, TimeUnit.SECONDS));
    assertTimeoutPreemptively(PROMPTLY, source::close);
    // Not a failure: the interrupted read after close() is how close() stops it.
    assertEquals(Optional.empty(), waiting.get(10, TimeUnit.SECONDS));
    assertEquals(List.of(), liveInputThreads());
  }

  @Test
  void aBatchSizeIsRequiredAndMustFitAnArray() throws Exception {
    List<ShardSource> shards = TestShards.write(dir, "train", 1, 1, true);
    assertThrows(IllegalStateException.class,
        () -> BatchSource.builder(shards, TestShards.decoder(true), true).build());
    // 10,000 videos x 300 frames x 1152 values: 3.5 billion floats.
    BatchSource.Builder huge = BatchSource.builder(shards,
        new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 3862, 300), true)
        .withBatchSize(10_000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, huge::build);
    assertTrue(e.getMessage().contains("3456000000 feature values"), e.getMessage());
  }

  /** The ids of each batch of 2 epochs in batches of 7, read by one reader. */
  private static List<List<String>> batchIds(List<ShardSource> shards, long seed, int buffer)
      throws InterruptedException {
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(false), false)
        .withBatchSize(7).withShuffleBuffer(buffer).withReaderThreads(1).withNumEpochs(2)
        .withSeed(seed).build()) {
      List<List<String>> ids = new ArrayList<>();
      for (Batch batch : TestShards.drain(source)) {
        ids.add(List.of(batch.ids()));
      }
      return ids;
    }
  }

  private static List<String> flatten(List<List<String>> batches) {
    return batches.stream().flatMap(List::stream).toList();
  }

  private static List<String> liveInputThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("yt8m-input-") && thread.isAlive())
        .map(Thread::getName).toList();
  }
}
