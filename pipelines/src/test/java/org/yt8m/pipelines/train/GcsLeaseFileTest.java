package org.yt8m.pipelines.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.util.DateTime;
import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.spi.v1.StorageRpc;
import com.google.cloud.storage.testing.StorageRpcTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yt8m.model.train.LeaseFile;

/**
 * The {@code gs://} lease through the real GCS client over an in-memory object store that
 * honours {@code ifGenerationMatch} as GCS does (no network here): proves the client calls
 * carry the preconditions, and that they give create-only, a renewal that cannot undo a
 * takeover, and a takeover that loses to a renewal.
 */
class GcsLeaseFileTest {
  private final Bucket bucket = new Bucket();
  private LeaseFile lease;
  private LeaseFile other;

  @BeforeEach
  void connect() {
    StorageOptions options = StorageOptions.http().setProjectId("test")
        .setCredentials(NoCredentials.getInstance()).setServiceRpcFactory(o -> bucket).build();
    lease = new GcsLeaseFile(options.getService(), BlobId.of("bucket", "train/trainer.lease"));
    other = new GcsLeaseFile(options.getService(), BlobId.of("bucket", "train/trainer.lease"));
  }

  @Test
  void isCreatedOnlyWhenAbsent() throws Exception {
    assertEquals(Optional.empty(), lease.read());
    assertTrue(lease.create("first"));
    assertFalse(other.create("second"));
    assertEquals("first", lease.read().orElseThrow().content());
    assertEquals(List.of(0L, 0L), bucket.generationPreconditions, "ifGenerationMatch=0 sent");
    assertEquals("gs://bucket/train/trainer.lease", lease.location());
  }

  @Test
  void aRenewalCannotUndoATakeover() throws Exception {
    assertTrue(lease.create("holder"));
    LeaseFile.State held = lease.read().orElseThrow();
    LeaseFile.State renewed = lease.renew(held).orElseThrow();
    assertTrue(renewed.version() > held.version(), "a renewal writes a new generation");

    LeaseFile.State seenStale = other.read().orElseThrow();
    assertTrue(other.replace(seenStale, "taker"));
    assertEquals(Optional.empty(), lease.renew(renewed), "the holder learns it lost");
    assertFalse(lease.delete(renewed));
    assertEquals("taker", other.read().orElseThrow().content());
  }

  @Test
  void aTakeoverLosesToARenewalMeanwhile() throws Exception {
    assertTrue(lease.create("holder"));
    LeaseFile.State seenStale = other.read().orElseThrow();
    lease.renew(lease.read().orElseThrow()).orElseThrow();
    assertFalse(other.replace(seenStale, "taker"));
    LeaseFile.State now = lease.read().orElseThrow();
    assertEquals("holder", now.content());
    assertTrue(lease.delete(now));
    assertEquals(Optional.empty(), lease.read());
  }

  /** One bucket's objects, with generations and GCS's precondition failures (412). */
  private static final class Bucket extends StorageRpcTestBase {
    private final Map<String, StorageObject> objects = new HashMap<>();
    private final Map<String, byte[]> contents = new HashMap<>();
    private long generations;
    final List<Long> generationPreconditions = new ArrayList<>();

    @Override
    public synchronized StorageObject create(StorageObject object, InputStream content,
        Map<StorageRpc.Option, ?> options) {
      check(object.getName(), options);
      byte[] bytes;
      try {
        bytes = content.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      StorageObject stored = object.clone().setGeneration(++generations).setMetageneration(1L)
          .setSize(BigInteger.valueOf(bytes.length))
          .setUpdated(new DateTime(System.currentTimeMillis()));
      objects.put(object.getName(), stored);
      contents.put(object.getName(), bytes);
      return stored.clone();
    }

    @Override
    public synchronized StorageObject get(StorageObject object,
        Map<StorageRpc.Option, ?> options) {
      StorageObject stored = objects.get(object.getName());
      return stored == null ? null : stored.clone();
    }

    @Override
    public synchronized byte[] load(StorageObject object, Map<StorageRpc.Option, ?> options) {
      StorageObject stored = objects.get(object.getName());
      if (stored == null || (object.getGeneration() != null
          && !object.getGeneration().equals(stored.getGeneration()))) {
        throw new StorageException(404, "No such object: " + object.getName());
      }
      return contents.get(object.getName());
    }

    @Override
    public synchronized boolean delete(StorageObject object,
        Map<StorageRpc.Option, ?> options) {
      check(object.getName(), options);
      contents.remove(object.getName());
      return objects.remove(object.getName()) != null;
    }

    private void check(String name, Map<StorageRpc.Option, ?> options) {
      Object expected = options.get(StorageRpc.Option.IF_GENERATION_MATCH);
      if (expected == null) {
        return;
      }
      generationPreconditions.add(((Number) expected).longValue());
      StorageObject stored = objects.get(name);
      long actual = stored == null ? 0 : stored.getGeneration();
      if (actual != ((Number) expected).longValue()) {
        throw new StorageException(412, "Precondition Failed");
      }
    }
  }
}
