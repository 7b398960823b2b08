package org.yt8m.model.serving;

import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yt8m.model.train.ScratchDirectory;

/**
 * The models loaded in this JVM, shared by every thread that scores with them: a Beam worker
 * runs one DoFn instance per thread and calls {@code @Setup} on each, but a model is loaded once
 * per JVM (its weights in memory once, one session on the device).
 *
 * <p>Models are keyed by location and reference-counted: the first {@link #acquire} loads, later
 * ones share, and the model is closed when its last {@link Lease} is. Loading happens under this
 * class's lock, so threads asking for a model being loaded wait for it instead of loading it
 * again.
 */
public final class LoadedModels {
  private static final Map<String, Shared> MODELS = new HashMap<>(); // guarded by LoadedModels

  private LoadedModels() {}

  /** Puts an export on local disk, for a model whose location is remote (gs://). */
  @FunctionalInterface
  public interface Fetcher {
    /**
     * The local export directory: the location itself when it is local, else a copy made under
     * {@code scratch} (deleted once the model is loaded).
     */
    Path fetch(Path scratch) throws IOException;
  }

  /**
   * The model at {@code location}, loaded from what {@code fetcher} puts on local disk unless
   * this JVM holds it already. {@code maxInFlight} bounds its concurrent runs; it is taken from
   * the acquire that loads the model.
   */
  public static synchronized Lease acquire(String location, Fetcher fetcher, int maxInFlight)
      throws IOException {
    Shared shared = MODELS.get(location);
    long loadMillis = -1;
    if (shared == null) {
      long start = System.nanoTime();
      shared = new Shared(location, load(location, fetcher, maxInFlight));
      loadMillis = (System.nanoTime() - start) / 1_000_000;
      MODELS.put(location, shared);
    }
    shared.leases++;
    return new Lease(shared, loadMillis);
  }

  private static ExportedModel load(String location, Fetcher fetcher, int maxInFlight)
      throws IOException {
    SessionSettings.gpuAvailable(); // logs the device once per JVM, before the first load
    try (ScratchDirectory scratch = ScratchDirectory.create("model")) {
      return ExportedModel.load(fetcher.fetch(scratch.path()), location, maxInFlight);
    }
  }

  private static synchronized void release(Shared shared) {
    if (--shared.leases == 0) {
      MODELS.remove(shared.location);
      shared.model.close();
    }
  }

  /** One loaded model and how many leases hold it. */
  private static final class Shared {
    final String location;
    final ExportedModel model;
    int leases;

    Shared(String location, ExportedModel model) {
      this.location = location;
      this.model = model;
    }
  }

  /** A hold on a loaded model; closing it lets the model go once no other lease holds it. */
  public static final class Lease implements AutoCloseable {
    private final Shared shared;
    private final long loadMillis;
    private boolean closed;

    private Lease(Shared shared, long loadMillis) {
      this.shared = shared;
      this.loadMillis = loadMillis;
    }

    public ExportedModel model() {
      checkState(!closed, "lease on %s used after close", shared.location);
      return shared.model;
    }

    /** Whether this acquire loaded the model (the others found it loaded). */
    public boolean loaded() {
      return loadMillis >= 0;
    }

    /** How long loading took (fetching included), or -1 when this acquire did not load. */
    public long loadMillis() {
      return loadMillis;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(shared);
      }
    }
  }
}
