package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.train.input.ShardSource;

/** The trainer's input: shards of a set are read only as their manifest describes them. */
class FileSystemsShardsTest {
  @TempDir
  Path dir;

  @Test
  void aSetIsReadWithoutItsManifestAndAStrayShardIsRefused() throws Exception {
    commit(record("a"), record("b"));
    List<ShardSource> shards = FileSystemsShards.matching(dir + "/*", Compression.AUTO);
    assertEquals(List.of(dir + "/prepared-00000-of-00002.tfrecord",
        dir + "/prepared-00001-of-00002.tfrecord"),
        shards.stream().map(ShardSource::name).toList(), "manifest.json is no shard");
    for (ShardSource shard : shards) {
      try (InputStream in = shard.open()) {
        in.readAllBytes(); // to its end, where the checksum is checked
      }
    }

    Files.write(dir.resolve("prepared-00003-of-00004.tfrecord"), record("old"));
    SetMismatchException refused = assertThrows(SetMismatchException.class,
        () -> FileSystemsShards.matching(dir + "/prepared-*.tfrecord", Compression.AUTO));
    assertTrue(refused.getMessage().startsWith(dir + "/prepared-00003-of-00004.tfrecord is not "
        + "in " + dir + "/manifest.json"), refused.getMessage());
  }

  @Test
  void anotherShardOfTheSameSizeIsCaughtByItsChecksum() throws Exception {
    commit(record("a"), record("b"));
    Files.copy(dir.resolve("prepared-00001-of-00002.tfrecord"),
        dir.resolve("prepared-00000-of-00002.tfrecord"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ShardSource first = FileSystemsShards.matching(dir + "/prepared-*", Compression.AUTO).get(0);
    try (InputStream in = first.open()) {
      SetMismatchException refused = assertThrows(SetMismatchException.class, in::readAllBytes);
      assertTrue(refused.getMessage().contains("prepared-00000-of-00002.tfrecord: 17 bytes with "
          + "CRC32C "), refused.getMessage());
      assertTrue(refused.getMessage().contains(dir + "/manifest.json lists 17 bytes"),
          refused.getMessage());
    }
  }

  private void commit(byte[]... shards) throws IOException {
    List<String> names = List.of("prepared-00000-of-00002.tfrecord",
        "prepared-00001-of-00002.tfrecord");
    FileSet set = FileSet.of(dir.toString(), "prepared", names, "manifest.json")
        .withMembers("prepared-\\d{5}-of-\\d{5}\\.tfrecord");
    set.commit(List.of(set.stage(names.get(0), MimeTypes.BINARY, out -> out.write(shards[0])),
        set.stage(names.get(1), MimeTypes.BINARY, out -> out.write(shards[1]))), FileSet.noFields());
  }

  private static byte[] record(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TfRecordWriter writer = new TfRecordWriter(bytes)) {
      writer.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
