package org.yt8m.transforms.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.yt8m.model.io.TfRecordWriter;

/** Writes TFRecord shards of given records for tests. */
public final class ShardFiles {
  private ShardFiles() {}

  /** Writes {@code records} to {@code file}, GZIP-compressed when its name ends in .gz. */
  public static Path write(Path file, List<byte[]> records) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      out = new GZIPOutputStream(out);
    }
    try (TfRecordWriter writer = new TfRecordWriter(out)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    return file;
  }
}
