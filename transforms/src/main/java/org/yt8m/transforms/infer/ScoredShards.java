package org.yt8m.transforms.infer;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.jspecify.annotations.Nullable;
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
 *
 * <p>Two outputs: each video's {@linkplain #predictions predictions} (inference), or for
 * evaluation each labelled video's predictions and loss and each unlabelled video unscored
 * ({@link #evaluations}).
 */
abstract class ScoredShards<OutputT> extends ShardOutput<Yt8mRecord, OutputT> {
  private static final long serialVersionUID = 1L;

  private final BatchScorer scorer;
  private final int batchSize;

  private ScoredShards(BatchScorer scorer, int batchSize, Coder<OutputT> coder) {
    super(coder);
    this.scorer = scorer;
    this.batchSize = batchSize;
  }

  /** Every video's top-k. */
  static ScoredShards<VideoPredictions> predictions(BatchScorer scorer, int batchSize) {
    return new ScoredShards<>(scorer, batchSize, VideoPredictionsCoder.of()) {
      private static final long serialVersionUID = 1L;

      @Override
      @Nullable VideoPredictions unscored(Yt8mRecord record) {
        return null;
      }

      @Override
      VideoPredictions scored(VideoPredictions predictions, float loss) {
        return predictions;
      }
    };
  }

  /** Labelled videos scored with their loss ({@code scorer} computes it), the rest passed on. */
  static ScoredShards<EvaluatedVideo> evaluations(BatchScorer scorer, int batchSize) {
    return new ScoredShards<>(scorer, batchSize, EvaluatedVideoCoder.of()) {
      private static final long serialVersionUID = 1L;

      @Override
      @Nullable EvaluatedVideo unscored(Yt8mRecord record) {
        return record.labels().length == 0 ? EvaluatedVideo.unlabelled(record.id()) : null;
      }

      @Override
      EvaluatedVideo scored(VideoPredictions predictions, float loss) {
        return new EvaluatedVideo(predictions, loss);
      }
    };
  }

  /** What {@code record} becomes without being scored, or null to score it. */
  abstract @Nullable OutputT unscored(Yt8mRecord record);

  /** What a scored video becomes. */
  abstract OutputT scored(VideoPredictions predictions, float loss);

  @Override
  public Sink<Yt8mRecord> open(Receiver<OutputT> out) throws Exception {
    scorer.acquire();
    List<Yt8mRecord> batch = new ArrayList<>(batchSize);
    BatchScorer.Emitter emitter = (predictions, loss) -> out.output(scored(predictions, loss));
    return new Sink<>() {
      @Override
      public void add(Yt8mRecord record) throws Exception {
        OutputT passed = unscored(record);
        if (passed != null) {
          out.output(passed);
          return;
        }
        batch.add(record);
        if (batch.size() == batchSize) {
          scorer.score(batch, emitter);
        }
      }

      @Override
      public void close() throws Exception {
        if (!batch.isEmpty()) {
          scorer.score(batch, emitter);
        }
      }
    };
  }

  @Override
  public void teardown() {
    scorer.release();
  }
}
