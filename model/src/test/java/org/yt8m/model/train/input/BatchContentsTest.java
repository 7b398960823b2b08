package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Every value of every batch against the records a plain read-and-decode loop gets from the same
 * shards: features, frame padding, frame counts, one-hot labels and label ids.
 */
class BatchContentsTest {
  private static final int FEATURES = 9; // 6 + 3
  private static final int CLASSES = TestShards.NUM_CLASSES;

  @TempDir Path dir;

  @Test
  void videoLevelBatchesHoldTheRecordsValuesAndOneHotLabels() throws Exception {
    // Validate shards and a test shard, whose records carry no labels.
    List<ShardSource> shards = new ArrayList<>(TestShards.write(dir, "validate", 30, 2, false));
    shards.addAll(TestShards.write(dir, "test", 10, 1, false));
    Map<String, Yt8mRecord> records = TestShards.records(shards, false, TestShards.MAX_FRAMES);
    int rows = 0;
    int unlabelled = 0;
    for (Batch batch : batches(shards, false)) {
      assertEquals(0, batch.paddedFrames());
      assertNull(batch.numFrames());
      assertEquals(batch.size() * FEATURES, batch.features().length);
      assertEquals(batch.size() * CLASSES, batch.labels().length);
      for (int i = 0; i < batch.size(); i++) {
        VideoRecord record = (VideoRecord) records.get(batch.ids()[i]);
        assertArrayEquals(record.features(), row(batch.features(), i, FEATURES), record.id());
        assertLabels(record, batch, i);
        unlabelled += record.hasLabels() ? 0 : 1;
        rows++;
      }
    }
    assertEquals(40, rows);
    assertEquals(10, unlabelled);
  }

  @Test
  void frameLevelBatchesAreDequantizedZeroPaddedAndTruncated() throws Exception {
    List<ShardSource> shards = TestShards.write(dir, "train", 40, 2, true);
    Map<String, Yt8mRecord> records = TestShards.records(shards, true, TestShards.MAX_FRAMES);
    Map<String, Yt8mRecord> untruncated = TestShards.records(shards, true, 1000);
    int padded = 0;
    int truncated = 0;
    for (Batch batch : batches(shards, true)) {
      int[] numFrames = batch.numFrames();
      assertEquals(batch.size(), numFrames.length);
      assertEquals(Arrays.stream(numFrames).max().orElseThrow(), batch.paddedFrames());
      assertEquals(batch.size() * batch.paddedFrames() * FEATURES, batch.features().length);
      for (int i = 0; i < batch.size(); i++) {
        FrameRecord record = (FrameRecord) records.get(batch.ids()[i]);
        assertEquals(record.numFrames(), numFrames[i]);
        float[] row = row(batch.features(), i, batch.paddedFrames() * FEATURES);
        byte[] quantized = record.quantizedFrames();
        for (int v = 0; v < row.length; v++) {
          // Padding is +0.0 exactly, as the starter's zero padding.
          float expected = v < quantized.length ? Dequantization.dequantize(quantized[v]) : 0f;
          assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(row[v]),
              record.id() + " value " + v);
        }
        assertLabels(record, batch, i);
        padded += numFrames[i] < batch.paddedFrames() ? 1 : 0;
        truncated += ((FrameRecord) untruncated.get(record.id())).numFrames() > numFrames[i]
            ? 1 : 0;
      }
    }
    assertTrue(padded > 0, "some videos are padded");
    assertTrue(truncated > 0, "some videos are longer than maxFrames");
  }

  /** One epoch in batches of 8, three readers. */
  private static List<Batch> batches(List<ShardSource> shards, boolean frameLevel)
      throws InterruptedException {
    try (BatchSource source = BatchSource.builder(shards, TestShards.decoder(frameLevel),
        frameLevel).withBatchSize(8).withReaderThreads(3).build()) {
      return TestShards.drain(source);
    }
  }

  private static void assertLabels(Yt8mRecord record, Batch batch, int i) {
    float[] oneHot = new float[CLASSES];
    for (int label : record.labels()) {
      oneHot[label] = 1f;
    }
    assertArrayEquals(oneHot, row(batch.labels(), i, CLASSES), record.id());
    assertArrayEquals(record.labels(), batch.labelIds()[i], record.id());
  }

  private static float[] row(float[] values, int i, int width) {
    return Arrays.copyOfRange(values, i * width, (i + 1) * width);
  }
}
