package org.yt8m.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.train.input.ShardSource;

/**
 * The shards a pattern matches anywhere Beam's FileSystems reach, as the trainer's
 * {@link ShardSource}s: the trainer is a plain Java program, not a pipeline, but reads
 * {@code gs://} like the jobs do.
 */
public final class FileSystemsShards {
  private FileSystemsShards() {}

  /**
   * The files matching {@code pattern}, in name order, read through {@code compression}
   * ({@code AUTO}: by extension). No match is an error naming the pattern, and a match that
   * is not a regular file (a FIFO, a device) one naming the file. Files of a set with a
   * manifest ({@code prepare}'s, {@code generate}'s) are checked against it first and each is
   * checked against its CRC32C as it is read to its end ({@link ManifestCheck}); the manifests
   * themselves are left out.
   */
  public static List<ShardSource> matching(String pattern, Compression compression)
      throws IOException {
    MatchResult match = FileSystems.match(List.of(pattern), EmptyMatchTreatment.ALLOW).get(0);
    ManifestCheck check = new ManifestCheck();
    List<ShardSource> shards = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata metadata : match.metadata()) {
        RegularFiles.require(metadata.resourceId());
        if (!check.isManifest(metadata)) {
          shards.add(source(metadata.resourceId(), compression,
              check.check(metadata).orElse(null)));
        }
      }
    }
    if (shards.isEmpty()) {
      throw new IOException("no file matches " + pattern);
    }
    shards.sort((a, b) -> a.name().compareTo(b.name()));
    return shards;
  }

  private static ShardSource source(ResourceId id, Compression compression,
      ManifestCheck.@Nullable Listed listed) {
    String name = id.toString();
    Compression effective = compression == Compression.AUTO ? Compression.detect(name)
        : compression;
    return new ShardSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public InputStream open() throws IOException {
        ReadableByteChannel file = FileSystems.open(id);
        return Channels.newInputStream(effective.readDecompressed(listed == null ? file
            : Channels.newChannel(ManifestCheck.verifying(Channels.newInputStream(file), name,
                listed))));
      }
    };
  }
}
