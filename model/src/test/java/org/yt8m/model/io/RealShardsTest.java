package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.SharedData;

/**
 * The framing reader and the decoder on the real shards in ../shared/data, against the facts
 * its README states: record and label counts, label ranges, ids, the value range, and the 2018
 * records' extra empty field 2.
 */
class RealShardsTest {

  @Test
  void reads2018ValidationShards() throws Exception {
    Path folder = SharedData.folder("yt8m-2018-video");
    List<VideoRecord> all = new ArrayList<>();
    for (Path shard : shards(folder, "validate")) {
      List<VideoRecord> records = read(shard, 3862);
      double labelsPerVideo = records.stream().mapToInt(r -> r.labels().length).average()
          .orElseThrow();
      assertTrue(labelsPerVideo >= 2.95 && labelsPerVideo <= 3.24,
          shard + ": " + labelsPerVideo + " labels per video");
      all.addAll(records);
    }
    assertEquals(1202, all.size());
    assertEquals(1202, all.stream().map(VideoRecord::id).distinct().count(), "unique ids");
    assertTrue(all.stream().allMatch(r -> r.id().length() == 4), "2018 ids have 4 characters");
    assertEquals(3818, all.stream().flatMapToInt(r -> java.util.Arrays.stream(r.labels())).max()
        .orElseThrow());
    assertValuesInDequantizedRange(all);
  }

  @Test
  void the2018RecordsCarryAnEmptyField2() throws Exception {
    Path shard = shards(SharedData.folder("yt8m-2018-video"), "validate").get(0);
    try (TfRecordReader reader = open(shard)) {
      assertTrue(reader.next());
      byte[] data = reader.buffer();
      int end = reader.length();
      // The last two bytes are field 2 (length-delimited) with length 0.
      assertEquals(0x12, data[end - 2]);
      assertEquals(0x00, data[end - 1]);
    }
  }

  @Test
  void reads2017ValidationShards() throws Exception {
    List<VideoRecord> all = new ArrayList<>();
    for (Path shard : shards(SharedData.folder("yt8m-2017-video"), "validate")) {
      all.addAll(read(shard, 4716));
    }
    assertEquals(3419, all.size());
    assertEquals(11_711, all.stream().mapToInt(r -> r.labels().length).sum());
    Set<Integer> classes = new HashSet<>();
    all.forEach(r -> java.util.Arrays.stream(r.labels()).forEach(classes::add));
    assertEquals(0, classes.stream().mapToInt(Integer::intValue).min().orElseThrow());
    assertEquals(4708, classes.stream().mapToInt(Integer::intValue).max().orElseThrow());
    assertValuesInDequantizedRange(all);
  }

  @Test
  void reads2017TestShardsWithoutLabels() throws Exception {
    List<VideoRecord> all = new ArrayList<>();
    for (Path shard : shards(SharedData.folder("yt8m-2017-video"), "test")) {
      all.addAll(read(shard, 4716));
    }
    assertEquals(1709, all.size());
    assertTrue(all.stream().noneMatch(VideoRecord::hasLabels));
  }

  private static void assertValuesInDequantizedRange(List<VideoRecord> records) {
    for (VideoRecord record : records) {
      for (float value : record.features()) {
        assertTrue(value >= Dequantization.MIN_VALUE && value <= Dequantization.MAX_VALUE,
            record.id() + ": " + value);
      }
    }
  }

  static List<Path> shards(Path folder, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  private static List<VideoRecord> read(Path shard, int numClasses)
      throws IOException, InvalidRecordException {
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, numClasses, 300);
    List<VideoRecord> records = new ArrayList<>();
    try (TfRecordReader reader = open(shard)) {
      while (reader.next()) {
        records.add(decoder.decodeVideo(reader.buffer(), reader.length()));
      }
    }
    return records;
  }

  private static TfRecordReader open(Path shard) throws IOException {
    return new TfRecordReader(shard.toString(),
        new BufferedInputStream(Files.newInputStream(shard), 1 << 16));
  }
}
