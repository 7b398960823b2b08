package org.yt8m.model.train;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.nn.BatchNormStatistics;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.train.input.Batch;

/**
 * What the trainer does for batch norm before each checkpoint and export: re-estimate the
 * population statistics for the weights being saved from the most recent training batches
 * ({@link BatchNormStatistics}), then check on the last batch that the serving tower, which
 * an export runs, scores it about as the training tower does, and say so when it does not.
 *
 * <p>The recent batches are the trainer's own (a batch's arrays are its own, never pooled): up
 * to {@value #MAX_BATCHES} batches or {@value #MAX_BYTES} bytes of features, whichever comes
 * first, and at least the last one. A frame-level batch of 128 videos of 300 frames holds
 * 177 MB, so frame-level models re-estimate from the last batch or two, video-level ones from
 * the last sixteen. Models without batch norm keep nothing and do nothing.
 */
final class BatchNormRefresh {
  static final int MAX_BATCHES = 16;
  static final long MAX_BYTES = 128L << 20;
  /** Serving loss over training loss beyond which the export is reported to score otherwise. */
  static final double WARN_RATIO = 2;

  private final TrainingGraph graph;
  private final TrainingGraph.Spec spec;
  private final Deque<Batch> recent = new ArrayDeque<>();
  private long recentBytes;

  BatchNormRefresh(TrainingGraph graph, TrainingGraph.Spec spec) {
    this.graph = graph;
    this.spec = spec;
  }

  /** Remembers {@code batch}, a batch just trained on, forgetting the oldest beyond the bounds. */
  void trainedOn(Batch batch) {
    if (graph.batchNormStatistics().isEmpty()) {
      return;
    }
    recent.addLast(batch);
    recentBytes += bytes(batch);
    while (recent.size() > 1 && (recent.size() > MAX_BATCHES || recentBytes > MAX_BYTES)) {
      recentBytes -= bytes(recent.removeFirst());
    }
  }

  /**
   * Writes fresh statistics into the moving averages, then compares the two towers' label
   * loss on the last batch: a warning when serving is more than {@value #WARN_RATIO} times
   * worse, empty otherwise (and for models without batch norm, or before any batch).
   */
  Optional<String> refresh(Session session, long step) {
    if (recent.isEmpty()) {
      return Optional.empty();
    }
    BatchNormStatistics.Estimate estimate = graph.batchNormStatistics().newEstimate();
    for (Batch batch : recent) {
      try (BatchFeed feed = new BatchFeed(batch, spec)) {
        estimate.add(feed.runner(session, graph));
      }
    }
    estimate.assign(session);
    return compare(session, recent.getLast(), step);
  }

  /** The warning of {@link #refresh} for the moving averages as they are, on {@code batch}. */
  Optional<String> compare(Session session, Batch batch, long step) {
    double training;
    double serving = 0;
    try (BatchFeed feed = new BatchFeed(batch, spec);
        Result result = feed.runner(session, graph).fetch(graph.labelLoss())
            .fetch(graph.servingLoss()).run()) {
      training = ((TFloat32) result.get(0)).getFloat();
      TFloat32 perVideo = (TFloat32) result.get(1);
      for (int i = 0; i < batch.size(); i++) {
        serving += perVideo.getFloat(i);
      }
      serving /= batch.size();
    }
    if (serving <= WARN_RATIO * training + 1e-3) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "warning: at step %d the serving model's "
        + "loss on the last batch is %.4f against the training graph's %.4f: the export will "
        + "score worse than the progress line says (batch-norm statistics re-estimated from "
        + "the last %d batches)", step, serving, training, recent.size()));
  }

  private static long bytes(Batch batch) {
    return 4L * batch.features().length;
  }
}
