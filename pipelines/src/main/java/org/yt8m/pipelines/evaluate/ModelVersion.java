package org.yt8m.pipelines.evaluate;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.TrainDir;

/**
 * The export of a training directory an evaluation scores ({@code step_N}) and where its
 * results go by default ({@code trainDir/eval/step_N}).
 */
record ModelVersion(String name, long step) implements java.io.Serializable {
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
    String latest = new Exports(dir).latest().orElseThrow(() -> new IllegalArgumentException(
        "--trainDir=" + dir.location() + " has no exported model (no " + Exports.LATEST
            + "): train one with yt8m train, or give --predictions"));
    String name = latest.substring(latest.lastIndexOf('/') + 1);
    return new ModelVersion(name, Exports.step(name));
  }

  /**
   * The newest complete export without {@code eval/step_N/metrics.json}, or empty when every
   * export has been evaluated (or there is none): what a scheduled evaluation scores.
   */
  static Optional<ModelVersion> newestUnevaluated(TrainDir dir) throws IOException {
    List<String> exports = new Exports(dir).all();
    for (int i = exports.size() - 1; i >= 0; i--) {
      ModelVersion version = new ModelVersion(exports.get(i), Exports.step(exports.get(i)));
      if (!dir.exists(version.evalDirectory() + "/" + EvaluationReport.METRICS_FILE)) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }
}
