package org.yt8m.pipelines.train;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.auth.Credentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.util.Optional;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.yt8m.model.train.LeaseFile;
import org.yt8m.transforms.io.FileSystemsTrainDir;

/**
 * The trainer's lease file on {@code gs://}. Beam's FileSystems cannot create an object only
 * when it is absent, so this uses the GCS client that Beam's GCP extension brings, with
 * generation preconditions: a create with {@code ifGenerationMatch=0} ({@code doesNotExist}),
 * and renewals, takeovers and deletes with {@code ifGenerationMatch} of the generation last
 * seen. A renewal rewrites the object, whose new generation and update time (the server's
 * clock) mark it renewed; a precondition failure (HTTP 412) means another process changed it.
 */
final class GcsLeaseFile implements LeaseFile {
  private static final int PRECONDITION_FAILED = 412;
  private static final int NOT_FOUND = 404;

  private final Storage storage;
  private final BlobId id;

  GcsLeaseFile(Storage storage, BlobId id) {
    this.storage = storage;
    this.id = id;
  }

  /**
   * Opens lease files on {@code gs://} with the credentials of {@code options}; elsewhere (no
   * store but GCS and local disks offers a create-if-absent) refuses, naming the location.
   */
  static FileSystemsTrainDir.LeaseFiles opener(PipelineOptions options) {
    return location -> {
      if (!location.startsWith("gs://") || location.indexOf('/', 5) < 0) {
        throw new IOException("cannot hold a lease in " + location + ": yt8m train keeps one "
            + "trainer per trainDir with a file created only when absent, which it can do on "
            + "local disks and gs:// only");
      }
      int slash = location.indexOf('/', 5);
      StorageOptions.Builder storage = StorageOptions.newBuilder();
      Credentials credentials = options.as(GcpOptions.class).getGcpCredential();
      if (credentials != null) {
        storage.setCredentials(credentials);
      }
      return new GcsLeaseFile(storage.build().getService(),
          BlobId.of(location.substring(5, slash), location.substring(slash + 1)));
    };
  }

  @Override
  public String location() {
    return id.toGsUtilUri();
  }

  @Override
  public Optional<State> read() throws IOException {
    try {
      while (true) {
        Blob blob = storage.get(id);
        if (blob == null) {
          return Optional.empty();
        }
        try {
          byte[] content = storage.readAllBytes(BlobId.of(id.getBucket(), id.getName(),
              blob.getGeneration()));
          return Optional.of(state(blob, new String(content, UTF_8)));
        } catch (StorageException e) {
          if (e.getCode() != NOT_FOUND) {
            throw e;
          } // replaced between the two calls: look again
        }
      }
    } catch (StorageException e) {
      throw new IOException(location() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean create(String content) throws IOException {
    return write(content, Storage.BlobTargetOption.doesNotExist()).isPresent();
  }

  @Override
  public Optional<State> renew(State seen) throws IOException {
    return write(seen.content(), Storage.BlobTargetOption.generationMatch(seen.version()));
  }

  @Override
  public boolean replace(State stale, String content) throws IOException {
    return write(content, Storage.BlobTargetOption.generationMatch(stale.version()))
        .isPresent();
  }

  @Override
  public boolean delete(State seen) throws IOException {
    try {
      return storage.delete(id, Storage.BlobSourceOption.generationMatch(seen.version()));
    } catch (StorageException e) {
      if (e.getCode() == PRECONDITION_FAILED) {
        return false;
      }
      throw new IOException(location() + ": " + e.getMessage(), e);
    }
  }

  /** Writes the object under {@code precondition}: its new state, or empty when it failed. */
  private Optional<State> write(String content, Storage.BlobTargetOption precondition)
      throws IOException {
    try {
      Blob blob = storage.create(BlobInfo.newBuilder(id).setContentType("application/json")
          .build(), content.getBytes(UTF_8), precondition);
      return Optional.of(state(blob, content));
    } catch (StorageException e) {
      if (e.getCode() == PRECONDITION_FAILED) {
        return Optional.empty();
      }
      throw new IOException(location() + ": " + e.getMessage(), e);
    }
  }

  private static State state(Blob blob, String content) {
    return new State(content, blob.getUpdateTimeOffsetDateTime().toInstant(),
        blob.getGeneration());
  }
}
