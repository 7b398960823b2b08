package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardSourceTest {
  @TempDir Path dir;

  @Test
  void aLocalFileIsNamedByItsPathAndOpensAfreshEachTime() throws Exception {
    Path file = dir.resolve("train0000.tfrecord");
    Files.write(file, new byte[] {1, 2, 3});
    ShardSource source = ShardSource.of(file);
    assertEquals(file.toString(), source.name());
    for (int i = 0; i < 2; i++) {
      try (InputStream in = source.open()) {
        assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
      }
    }
  }

  @Test
  void gzipShardsAreReadDecompressed() throws Exception {
    List<ShardSource> plain = TestShards.write(dir, "train", 5, 1, false);
    byte[] bytes;
    try (InputStream in = plain.get(0).open()) {
      bytes = in.readAllBytes();
    }
    Path gz = dir.resolve("train0000.tfrecord.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(bytes);
    }
    try (InputStream in = ShardSource.of(gz).open()) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }
}
