package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.CorruptRecordException;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.VideoRecord;

/** Invalid records are skipped and counted; unreadable shards fail the source, saying where. */
class BatchSourceFailuresTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void invalidRecordsAreSkippedCountedOnceByReasonAndTheFirstLogged() throws Exception {
    Yt8mEncoder encoder = new Yt8mEncoder(TestShards.VIDEO);
    Path file = dir.resolve("mixed.tfrecord");
    try (TfRecordWriter writer = new TfRecordWriter(Files.newOutputStream(file))) {
      writer.write(encoder.encodeVideo(video("v0", 1, 2), true));
      // Field 1 declares 5 bytes of which 1 follows: not protobuf.
      writer.write(new byte[] {0x0a, 0x05, 0x01});
      // Only mean_rgb: mean_audio is missing.
      writer.write(new Yt8mEncoder(FeatureSpec.parse("mean_rgb", "6")).encodeVideo(
          VideoRecord.of("v-missing", new int[] {3}, new float[6]), true));
      writer.write(encoder.encodeVideo(video("v-label", 25), true)); // classes are [0, 20)
      writer.write(encoder.encodeVideo(video("v1"), true));
    }
    List<String> logged = Collections.synchronizedList(new ArrayList<>());
    Logger logger = Logger.getLogger(BatchSource.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    try (BatchSource source = BatchSource.builder(List.of(ShardSource.of(file)),
        TestShards.decoder(false), false).withBatchSize(3).withReaderThreads(1)
        .withNumEpochs(2).build()) {
      List<String> ids = TestShards.ids(TestShards.drain(source));
      assertEquals(List.of("v0", "v0", "v1", "v1"), ids.stream().sorted().toList());
      assertEquals(4, source.recordsRead());
      // Read in both epochs, each counted once: the summary counts records, not reads.
      assertEquals(Map.of(RejectReason.MALFORMED, 1L, RejectReason.MISSING_FEATURE, 1L,
          RejectReason.LABEL_OUT_OF_RANGE, 1L), source.skipped());
    } finally {
      logger.removeHandler(capture);
    }
    assertEquals(3, logged.size(), logged.toString());
    assertTrue(logged.get(0).startsWith(file + ": skipping record 1: malformed: "),
        logged.get(0));
    assertEquals(file + ": skipping record 2 (id v-missing): missing_feature: missing feature "
        + "mean_audio", logged.get(1));
    assertEquals(file + ": skipping record 3 (id v-label): label_out_of_range: label 25 out of "
        + "range [0, 20)", logged.get(2));
  }

  @Test
  void corruptFramingFailsNamingTheShardRecordAndOffset() throws Exception {
    List<ShardSource> shards = TestShards.write(dir, "train", 20, 2, false);
    Path file = dir.resolve("train0001.tfrecord");
    long offset;
    int length;
    try (InputStream in = Files.newInputStream(file);
        TfRecordReader reader = new TfRecordReader("", in)) {
      for (int i = 0; i < 3; i++) {
        reader.next();
      }
      offset = reader.recordOffset();
      length = reader.length();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset + 12 + length / 2] ^= 1; // a data byte of record 2
    Files.write(file, bytes);
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(false), false)
        .withBatchSize(4).build()) {
      InputFailedException e = assertThrows(InputFailedException.class,
          () -> assertTimeoutPreemptively(PROMPTLY, () -> TestShards.drain(source)));
      assertEquals(file + ": record 2 at byte offset " + offset + ": data checksum mismatch",
          e.getMessage());
      assertInstanceOf(CorruptRecordException.class, e.getCause());
    }
  }

  @Test
  void aMissingShardFailsNamingIt() throws Exception {
    List<ShardSource> shards = new ArrayList<>(TestShards.write(dir, "train", 20, 1, false));
    Path absent = dir.resolve("train0001.tfrecord");
    shards.add(ShardSource.of(absent));
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(false), false)
        .withBatchSize(4).build()) {
      InputFailedException e = assertThrows(InputFailedException.class,
          () -> assertTimeoutPreemptively(PROMPTLY, () -> TestShards.drain(source)));
      assertEquals(absent + ": cannot read: java.nio.file.NoSuchFileException: " + absent,
          e.getMessage());
      assertInstanceOf(NoSuchFileException.class, e.getCause());
    }
  }

  @Test
  void shardsWithoutAValidRecordFailRatherThanReadForever() throws Exception {
    Path empty = dir.resolve("empty.tfrecord");
    Files.write(empty, new byte[0]);
    try (BatchSource source = BatchSource.builder(List.of(ShardSource.of(empty)),
        TestShards.decoder(false), false).withBatchSize(4).withNumEpochs(0).build()) {
      InputFailedException e = assertThrows(InputFailedException.class,
          () -> assertTimeoutPreemptively(PROMPTLY, source::next));
      assertEquals("epoch 1 read no valid record from 1 shards: they are empty, or every "
          + "record was skipped", e.getMessage());
    }
  }

  /** A valid video-level record with these labels. */
  private static VideoRecord video(String id, int... labels) {
    float[] features = new float[9];
    for (int i = 0; i < features.length; i++) {
      features[i] = i / 10f;
    }
    return VideoRecord.of(id, labels, features);
  }
}
