package org.yt8m.transforms.infer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.eval.VideoPredictions;

/**
 * Collects a bundle's records into batches and scores each with the JVM's shared model
 * ({@link BatchScorer}): a full batch as soon as it fills, the rest when the bundle finishes.
 * Batches are kept per window and their predictions output at the window's end (a batch mixes
 * the timestamps of its records).
 */
final class ScoreBatchesFn extends DoFn<Yt8mRecord, VideoPredictions> {
  private static final long serialVersionUID = 1L;
  static final TupleTag<VideoPredictions> PREDICTIONS = new TupleTag<>("predictions") {};
  /** With the loss: each batch's summed label loss, for a mean over the videos scored. */
  static final TupleTag<Double> LOSS_SUMS = new TupleTag<>("lossSums") {};

  private final BatchScorer scorer;
  private final int batchSize;

  private transient Map<BoundedWindow, List<Yt8mRecord>> batches;

  ScoreBatchesFn(BatchScorer scorer, int batchSize) {
    this.scorer = scorer;
    this.batchSize = batchSize;
  }

  @Setup
  public void setup() {
    batches = new LinkedHashMap<>();
  }

  @StartBundle
  public void startBundle() throws IOException {
    scorer.acquire();
  }

  @ProcessElement
  public void process(@Element Yt8mRecord video, BoundedWindow window,
      MultiOutputReceiver out) throws InterruptedException {
    List<Yt8mRecord> batch = batches.computeIfAbsent(window, w -> new ArrayList<>(batchSize));
    batch.add(video);
    if (batch.size() == batchSize) {
      Instant end = window.maxTimestamp();
      scorer.score(batch, new BatchScorer.Emitter() {
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
        scorer.score(entry.getValue(), new BatchScorer.Emitter() {
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
    scorer.release();
  }
}
