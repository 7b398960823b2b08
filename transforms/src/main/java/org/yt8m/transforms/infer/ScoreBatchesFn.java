package org.yt8m.transforms.infer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
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
      OutputReceiver<VideoPredictions> out) throws Exception {
    List<Yt8mRecord> batch = batches.computeIfAbsent(window, w -> new ArrayList<>(batchSize));
    batch.add(video);
    if (batch.size() == batchSize) {
      Instant end = window.maxTimestamp();
      scorer.score(batch, (predictions, loss) -> out.outputWithTimestamp(predictions, end));
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) throws Exception {
    for (Map.Entry<BoundedWindow, List<Yt8mRecord>> entry : batches.entrySet()) {
      BoundedWindow window = entry.getKey();
      if (!entry.getValue().isEmpty()) {
        scorer.score(entry.getValue(), (predictions, loss) -> context.output(predictions,
            window.maxTimestamp(), window));
      }
    }
    batches.clear();
  }

  @Teardown
  public void teardown() {
    scorer.release();
  }
}
