package org.yt8m.transforms.infer;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn.OutputReceiver;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.eval.VideoPredictionsCoder;
import org.yt8m.transforms.io.ShardOutput;

/**
 * Scoring done inside the read ({@code Yt8mIO.Read#through}): each shard's records batched and
 * scored as the shard is decoded, so that what leaves the read is each video's top-k, never
 * the decoded records. On the DirectRunner, which runs reads ahead of slower steps and holds a
 * step's output until its bundle ends, scoring as a step of its own let the decoded records of
 * nearly every shard pile up in memory (4.7 KB a video-level video); here a reading thread holds
 * one batch. On Dataflow the two steps were fused anyway. A shard's last batch is scored when
 * the shard ends.
 */
final class ScoredShards extends ShardOutput<Yt8mRecord, VideoPredictions> {
  private static final long serialVersionUID = 1L;

  private final BatchScorer scorer;
  private final int batchSize;

  ScoredShards(BatchScorer scorer, int batchSize) {
    super(VideoPredictionsCoder.of());
    this.scorer = scorer;
    this.batchSize = batchSize;
  }

  @Override
  public Sink<Yt8mRecord> open(OutputReceiver<VideoPredictions> out) throws Exception {
    scorer.acquire();
    List<Yt8mRecord> batch = new ArrayList<>(batchSize);
    return new Sink<>() {
      @Override
      public void add(Yt8mRecord record) throws InterruptedException {
        batch.add(record);
        if (batch.size() == batchSize) {
          scorer.score(batch, out::output);
        }
      }

      @Override
      public void close() throws InterruptedException {
        if (!batch.isEmpty()) {
          scorer.score(batch, out::output);
        }
      }
    };
  }

  @Override
  public void teardown() {
    scorer.release();
  }
}
