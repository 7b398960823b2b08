package org.yt8m.model.train.input;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A source of one shard's TFRecord bytes. The input pipeline opens each shard once per epoch, so
 * a source must open afresh every time. Local files come from {@link #of(Path)}; the pipelines
 * module passes openers backed by Beam's {@code FileSystems} for {@code gs://} paths, which this
 * Beam-free module cannot name.
 */
public interface ShardSource {

  /** The name errors and skipped-record logs use: the file's path or URI. */
  String name();

  /**
   * A new stream over the shard's decompressed TFRecord bytes, which the caller closes. It need
   * not be buffered: the reader buffers it.
   */
  InputStream open() throws IOException;

  /**
   * The local file {@code file}; names ending in {@code .gz} are read through GZIP, as
   * {@code Yt8mIO}'s automatic compression reads them.
   */
  static ShardSource of(Path file) {
    requireNonNull(file, "file");
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    return new ShardSource() {
      @Override
      public String name() {
        return file.toString();
      }

      @Override
      public InputStream open() throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!gzip) {
          return in;
        }
        try {
          return new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) { // not GZIP after all: do not leak the file
          in.close();
          throw e;
        }
      }

      @Override
      public String toString() {
        return name();
      }
    };
  }
}
