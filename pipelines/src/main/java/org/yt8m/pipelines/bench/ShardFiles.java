package org.yt8m.pipelines.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;

/**
 * The benchmarks' generated video-level shards: written once (a shard at a time, under a
 * temporary name, so an interrupted run leaves no partial shard behind) and read back one
 * record at a time, so that a plain loop over a million videos holds none of them.
 */
final class ShardFiles {
  private ShardFiles() {}

  /** The split's shards in {@code dir}, each written unless there already. */
  static List<Path> generate(Path dir, SyntheticShards split, int classes) throws Exception {
    Files.createDirectories(dir);
    SyntheticVideos generator = SyntheticVideos.of(1, classes, FeatureSpec.VIDEO_DEFAULT);
    List<Path> shards = new ArrayList<>();
    for (int shard = 0; shard < split.numShards(); shard++) {
      Path file = dir.resolve(split.shardName(shard));
      if (!Files.exists(file)) {
        Path partial = dir.resolve(split.shardName(shard) + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial),
            1 << 20)) {
          split.writeShard(shard, generator, out);
        }
        Files.move(partial, file);
      }
      shards.add(file);
    }
    return shards;
  }

  /** The {@code .tfrecord} files of {@code dir}, by name. */
  static List<Path> in(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".tfrecord")).sorted().toList();
    }
  }

  /** Decodes every video-level record of {@code shards}, in order, into {@code each}. */
  static void forEachVideo(List<Path> shards, int classes,
      Consumer<VideoRecord> each) throws Exception {
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, classes, 300);
    for (Path shard : shards) {
      try (TfRecordReader reader = new TfRecordReader(shard.toString(),
          new BufferedInputStream(Files.newInputStream(shard), 1 << 20))) {
        while (reader.next()) {
          each.accept(decoder.decodeVideo(reader.buffer(), reader.length()));
        }
      }
    }
  }
}
