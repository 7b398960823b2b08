package org.yt8m.transforms.infer;

import org.yt8m.transforms.eval.VideoPredictions;

/**
 * What scoring for evaluation makes of one video ({@link ScoreVideos#inReadForEvaluation}): a
 * labelled video's top-k and its label loss under the graph that trained, or an unlabelled
 * video, which is counted and not scored (no predictions, loss NaN).
 */
public record EvaluatedVideo(VideoPredictions predictions, float loss) {
  /** An unlabelled video: its id only. */
  static EvaluatedVideo unlabelled(String id) {
    return new EvaluatedVideo(new VideoPredictions(id, new int[0], new int[0], new float[0]),
        Float.NaN);
  }

  /** Whether the video has labels, and so was scored. */
  public boolean labelled() {
    return predictions.labels().length > 0;
  }
}
