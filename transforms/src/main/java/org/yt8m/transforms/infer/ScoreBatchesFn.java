package org.yt8m.transforms.infer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.LoadedModels;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.transforms.eval.VideoPredictions;

/**
 * Collects a bundle's records into batches and scores each with the JVM's shared model: a full
 * batch as soon as it fills, the rest when the bundle finishes. Batches are kept per window and
 * their predictions output at the window's end (a batch mixes the timestamps of its records).
 *
 * <p>The model is acquired at the first bundle rather than in {@code @Setup}, so that the
 * thread that loads it can report the load time as a metric (metrics are only collected while a
 * bundle is processed); the other threads find it loaded.
 */
final class ScoreBatchesFn extends DoFn<Yt8mRecord, VideoPredictions> {
  private static final long serialVersionUID = 1L;
  static final TupleTag<VideoPredictions> PREDICTIONS = new TupleTag<>("predictions") {};
  /** With the loss: each batch's summed label loss, for a mean over the videos scored. */
  static final TupleTag<Double> LOSS_SUMS = new TupleTag<>("lossSums") {};

  private final ModelLocation model;
  private final int batchSize;
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
  private transient Map<BoundedWindow, List<Yt8mRecord>> batches;

  /** Where a batch's results go. */
  private interface Emitter {
    void emit(VideoPredictions predictions);

    void emitLossSum(double sum);
  }

  ScoreBatchesFn(ModelLocation model, int batchSize, int topK, int maxInFlightBatches,
      int @Nullable [] classes, boolean withLoss) {
    this.model = model;
    this.batchSize = batchSize;
    this.topK = topK;
    this.maxInFlightBatches = maxInFlightBatches;
    this.classes = classes;
    this.withLoss = withLoss;
  }

  @Setup
  public void setup() {
    batches = new LinkedHashMap<>();
  }

  @StartBundle
  public void startBundle() throws IOException {
    if (lease == null) {
      lease = LoadedModels.acquire(model.exportDir(), model::fetch, maxInFlightBatches);
      if (lease.loaded()) {
        modelLoad.update(lease.loadMillis());
      }
    }
  }

  @ProcessElement
  public void process(@Element Yt8mRecord video, BoundedWindow window,
      MultiOutputReceiver out) throws InterruptedException {
    List<Yt8mRecord> batch = batches.computeIfAbsent(window, w -> new ArrayList<>(batchSize));
    batch.add(video);
    if (batch.size() == batchSize) {
      Instant end = window.maxTimestamp();
      score(batch, new Emitter() {
        @Override
        public void emit(VideoPredictions predictions) {
          out.get(PREDICTIONS).outputWithTimestamp(predictions, end);
        }

        @Override
        public void emitLossSum(double sum) {
          out.get(LOSS_SUMS).outputWithTimestamp(sum, end);
        }
      });
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) throws InterruptedException {
    for (Map.Entry<BoundedWindow, List<Yt8mRecord>> entry : batches.entrySet()) {
      BoundedWindow window = entry.getKey();
      if (!entry.getValue().isEmpty()) {
        score(entry.getValue(), new Emitter() {
          @Override
          public void emit(VideoPredictions predictions) {
            context.output(PREDICTIONS, predictions, window.maxTimestamp(), window);
          }

          @Override
          public void emitLossSum(double sum) {
            context.output(LOSS_SUMS, sum, window.maxTimestamp(), window);
          }
        });
      }
    }
    batches.clear();
  }

  @Teardown
  public void teardown() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  /** Scores {@code batch}, emits one prediction per video in batch order, empties it. */
  private void score(List<Yt8mRecord> batch, Emitter emitter) throws InterruptedException {
    long start = System.nanoTime();
    TopKBatch top;
    if (withLoss) {
      ExportedModel.Evaluation evaluation = lease.model().evaluate(batch, topK);
      top = evaluation.top();
      double sum = 0;
      for (float loss : evaluation.losses()) {
        sum += loss;
      }
      emitter.emitLossSum(sum);
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
          top.scoresOf(i)));
    }
    batch.clear();
  }
}
