package org.yt8m.model.train;

import java.time.Duration;
import java.util.Locale;
import org.yt8m.model.metrics.EvaluationMetrics;

/** The one line a person follows a run by, in the starter's spirit. */
final class ProgressLine {
  private ProgressLine() {}

  static String format(long step, int epoch, double examplesPerSecond, double loss,
      EvaluationMetrics batch, double learningRate, Duration eta) {
    return String.format(Locale.ROOT, "step %d | epoch %d | %,.0f examples/s | loss %.4f | "
        + "Hit@1 %.3f | PERR %.3f | GAP %.3f | lr %.3g | ETA %s", step, epoch,
        examplesPerSecond, loss, batch.hitAtOne(), batch.perr(), batch.gap(), learningRate,
        eta == null ? "unknown" : duration(eta));
  }

  private static String duration(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
        seconds % 60);
  }
}
