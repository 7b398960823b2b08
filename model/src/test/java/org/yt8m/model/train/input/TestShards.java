package org.yt8m.model.train.input;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;

/**
 * Small synthetic shards written to a folder, the records they hold as a plain read-and-decode
 * loop sees them (what every batch is checked against), and draining a source.
 */
final class TestShards {
  static final int NUM_CLASSES = 20;
  /** Below the synthetic videos' longest (14 frames), so some are truncated. */
  static final int MAX_FRAMES = 10;
  static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "6,3");
  static final FeatureSpec FRAME = FeatureSpec.parse("rgb,audio", "6,3");
  private static final long SEED = 11;

  private TestShards() {}

  static Yt8mDecoder decoder(boolean frameLevel) {
    return new Yt8mDecoder(frameLevel ? FRAME : VIDEO, NUM_CLASSES, MAX_FRAMES);
  }

  /** Writes a synthetic split of 1 to 14 frames per frame-level video into {@code dir}. */
  static List<ShardSource> write(Path dir, String split, int numVideos, int numShards,
      boolean frameLevel) throws IOException {
    SyntheticShards shards = new SyntheticShards(split, numVideos, numShards, frameLevel, 1, 14);
    SyntheticVideos videos = SyntheticVideos.of(SEED, NUM_CLASSES, frameLevel ? FRAME : VIDEO);
    List<ShardSource> sources = new ArrayList<>();
    for (int shard = 0; shard < numShards; shard++) {
      Path file = dir.resolve(shards.shardName(shard));
      try (OutputStream out = Files.newOutputStream(file)) {
        shards.writeShard(shard, videos, out);
      }
      sources.add(ShardSource.of(file));
    }
    return sources;
  }

  /** Every record of {@code shards} by id, in reading order, decoded keeping maxFrames. */
  static Map<String, Yt8mRecord> records(List<ShardSource> shards, boolean frameLevel,
      int maxFrames) throws IOException, InvalidRecordException {
    Yt8mDecoder decoder = new Yt8mDecoder(frameLevel ? FRAME : VIDEO, NUM_CLASSES, maxFrames);
    Map<String, Yt8mRecord> records = new LinkedHashMap<>();
    for (ShardSource shard : shards) {
      try (InputStream in = shard.open(); TfRecordReader reader =
          new TfRecordReader(shard.name(), in)) {
        while (reader.next()) {
          Yt8mRecord record = frameLevel
              ? decoder.decodeFrames(reader.buffer(), reader.length())
              : decoder.decodeVideo(reader.buffer(), reader.length());
          records.put(record.id(), record);
        }
      }
    }
    return records;
  }

  /** Every batch the source gives until it is exhausted. */
  static List<Batch> drain(BatchSource source) throws InterruptedException {
    List<Batch> batches = new ArrayList<>();
    for (Optional<Batch> batch = source.next(); batch.isPresent(); batch = source.next()) {
      batches.add(batch.get());
    }
    return batches;
  }

  /** The ids of {@code batches}, in order. */
  static List<String> ids(List<Batch> batches) {
    List<String> ids = new ArrayList<>();
    batches.forEach(batch -> ids.addAll(List.of(batch.ids())));
    return ids;
  }
}
