package org.yt8m.transforms.infer;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.LoadedModels;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.transforms.eval.VideoPredictions;

/**
 * Scores batches of records with the JVM's shared model and counts what it scored, for the two
 * places that batch records: a step of its own ({@link ScoreBatchesFn}) and the read itself
 * ({@link ScoredShards}); with the loss, through the export's {@code evaluate} signature. Each copy of a DoFn holds its own scorer; the model is loaded once per
 * JVM ({@link LoadedModels}) at the first {@link #acquire}, inside a bundle, so that the thread
 * that loads it can report the load time (metrics are only collected while a bundle is
 * processed).
 *
 * <p>Metrics (namespace {@code ScoreVideos}): counters {@code videos_scored} and
 * {@code batches_scored}; distributions {@code batch_size}, {@code batch_latency_ms} (building
 * the tensors, waiting for a run slot, running, copying the top-k out) and {@code model_load_ms}
 * (one value per load).
 */
final class BatchScorer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelLocation model;
  private final int topK;
  private final int maxInFlightBatches;
  private final int @Nullable [] classes;
  private final boolean withLoss;

  private final Counter videosScored = Metrics.counter(ScoreVideos.class, "videos_scored");
  private final Counter batchesScored = Metrics.counter(ScoreVideos.class, "batches_scored");
  private final Distribution batchSizes = Metrics.distribution(ScoreVideos.class, "batch_size");
  private final Distribution batchLatency = Metrics.distribution(ScoreVideos.class,
      "batch_latency_ms");
  private final Distribution modelLoad = Metrics.distribution(ScoreVideos.class,
      "model_load_ms");

  private transient LoadedModels.@Nullable Lease lease;

  /** Where a batch's results go: each video's top-k and label loss (NaN without the loss). */
  @FunctionalInterface
  interface Emitter {
    void emit(VideoPredictions predictions, float loss) throws Exception;
  }

  BatchScorer(ModelLocation model, int topK, int maxInFlightBatches, int @Nullable [] classes,
      boolean withLoss) {
    this.model = model;
    this.topK = topK;
    this.maxInFlightBatches = maxInFlightBatches;
    this.classes = classes;
    this.withLoss = withLoss;
  }

  /** Holds the model from here until {@link #release}; loads it unless this JVM has it. */
  void acquire() throws IOException {
    if (lease == null) {
      lease = LoadedModels.acquire(model.exportDir(), model::fetch, maxInFlightBatches);
      if (lease.loaded()) {
        modelLoad.update(lease.loadMillis());
      }
    }
  }

  /** Lets the model go (once no other copy holds it). */
  void release() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  /** Scores {@code batch}, emits one prediction per video in batch order, empties it. */
  void score(List<? extends Yt8mRecord> batch, Emitter emitter) throws Exception {
    long start = System.nanoTime();
    TopKBatch top;
    float[] losses = null;
    if (withLoss) {
      ExportedModel.Evaluation evaluation = lease.model().evaluate(batch, topK);
      top = evaluation.top();
      losses = evaluation.losses();
    } else {
      top = classes == null ? lease.model().score(batch, topK)
          : lease.model().scoreAmong(batch, topK, classes);
    }
    batchLatency.update((System.nanoTime() - start) / 1_000_000);
    batchSizes.update(batch.size());
    batchesScored.inc();
    videosScored.inc(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Yt8mRecord video = batch.get(i);
      emitter.emit(new VideoPredictions(video.id(), video.labels(), top.classesOf(i),
          top.scoresOf(i)), losses == null ? Float.NaN : losses[i]);
    }
    batch.clear();
  }
}
