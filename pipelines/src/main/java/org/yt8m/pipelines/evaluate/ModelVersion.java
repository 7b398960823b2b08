package org.yt8m.pipelines.evaluate;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.TrainDir;

/**
 * The export of a training directory an evaluation scores ({@code step_N} of a training run)
 * and where its results go by default ({@code trainDir/eval/step_N}).
 */
record ModelVersion(String name, long step, RunId run) implements java.io.Serializable {
  static final String EVAL_DIRECTORY = "eval";

  /** {@code eval/step_N}, relative to the training directory. */
  String evalDirectory() {
    return EVAL_DIRECTORY + "/" + name;
  }

  /** {@code export/step_N}, relative to the training directory. */
  String exportDirectory() {
    return Exports.DIRECTORY + "/" + name;
  }

  /** The export {@code export/latest} names; an error when the directory has none. */
  static ModelVersion latest(TrainDir dir) throws IOException {
    Exports exports = new Exports(dir);
    String latest = exports.latest().orElseThrow(() -> new IllegalArgumentException(
        "--trainDir=" + dir.location() + " has no exported model (no " + Exports.LATEST
            + "): train one with yt8m train, or give --predictions"));
    String name = latest.substring(latest.lastIndexOf('/') + 1);
    return new ModelVersion(name, Exports.step(name), exports.runOf(name));
  }

  /**
   * The newest complete export of the run {@code model_flags.json} records whose evaluation
   * has not committed (no line in {@link EvaluationHistory}), or empty when there is none: what
   * a scheduled evaluation scores. Exports of a replaced run (before a {@code --startNewModel})
   * are not this run's and are never scored into its history.
   */
  static Optional<ModelVersion> newestUnevaluated(TrainDir dir) throws IOException {
    RunId current = RunId.recordedIn(dir, "");
    Set<String> evaluated = EvaluationHistory.evaluated(dir, current);
    Exports exports = new Exports(dir);
    List<String> names = exports.all();
    for (int i = names.size() - 1; i >= 0; i--) {
      String name = names.get(i);
      if (!evaluated.contains(name) && exports.runOf(name).equals(current)) {
        return Optional.of(new ModelVersion(name, Exports.step(name), current));
      }
    }
    return Optional.empty();
  }
}
