package org.yt8m.model.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.testing.KnownModels;

/** One load per JVM however many threads ask, shared until the last lease closes. */
class LoadedModelsTest {
  @TempDir
  Path dir;

  @Test
  void manyThreadsShareOneLoad() throws Exception {
    Path export = KnownModels.export(dir, Models.LOGISTIC, FeatureSpec.parse("mean_rgb", "3"),
        KnownModels.Weights.random(3, 4, 1), 1);
    AtomicInteger fetches = new AtomicInteger();
    LoadedModels.Fetcher fetcher = scratch -> {
      fetches.incrementAndGet();
      return export;
    };
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<LoadedModels.Lease>> leases = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        Callable<LoadedModels.Lease> acquire = () -> {
          start.await();
          return LoadedModels.acquire(export.toString(), fetcher, 2);
        };
        leases.add(pool.submit(acquire));
      }
      start.countDown();
      List<LoadedModels.Lease> held = new ArrayList<>();
      for (Future<LoadedModels.Lease> lease : leases) {
        held.add(lease.get());
      }
      assertEquals(1, fetches.get());
      assertEquals(1, held.stream().filter(LoadedModels.Lease::loaded).count());
      ExportedModel model = held.get(0).model();
      assertTrue(held.stream().allMatch(l -> l.model() == model));

      held.forEach(LoadedModels.Lease::close);
      try (LoadedModels.Lease again = LoadedModels.acquire(export.toString(), fetcher, 2)) {
        assertTrue(again.loaded(), "the last close let the model go; it loads again");
        assertNotSame(model, again.model());
        try (LoadedModels.Lease shared = LoadedModels.acquire(export.toString(), fetcher, 2)) {
          assertSame(again.model(), shared.model());
        }
      }
      assertEquals(2, fetches.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
