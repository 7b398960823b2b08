package org.yt8m.pipelines.infer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.infer.ScoreVideos;
import org.yt8m.transforms.io.LogDeadLetters;
import org.yt8m.transforms.io.WriteSortedLines;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * The lines {@code yt8m infer} ends with, from the job's metrics: what was scored, how it was
 * batched, the dead letters by reason, videos whose labels the model does not know (scored:
 * labels are not used), and the files written. A job that scored nothing is a failure.
 *
 * <pre>
 * scored 1,709 videos with LogisticModel (train/export/step_300) in 4 batches of 427 videos
 *   (mean), 85 ms each; model loads: 1, 310 ms each
 * dead letters: 2 (malformed 1, missing_feature 1)
 * warning: 103 videos have labels outside the model's 3862 classes: scored all the same
 *   (inference does not use labels)
 * wrote predictions.csv
 * </pre>
 */
final class InferSummary {
  private InferSummary() {}

  /**
   * Prints the summary.
   *
   * @throws IllegalStateException after printing it, when nothing was scored
   */
  static void print(PipelineResult result, InferOptions options, ModelLocation model,
      PrintStream out) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder().build());
    long scored = counter(metrics, ScoreVideos.class, "videos_scored");
    long deadLetters = counter(metrics, LogDeadLetters.class, "dead_letters");
    DistributionResult batches = distribution(metrics, ScoreVideos.class, "batch_size");
    DistributionResult latency = distribution(metrics, ScoreVideos.class, "batch_latency_ms");
    DistributionResult loads = distribution(metrics, ScoreVideos.class, "model_load_ms");
    String what = options.getSegmentLabels()
        ? String.format(Locale.ROOT, "%,d segments of %,d videos", scored,
            counter(metrics, Yt8mIO.class, "records_read") - deadLetters)
        : String.format(Locale.ROOT, "%,d videos", scored);
    out.printf(Locale.ROOT, "scored %s with %s (%s) in %,d batches of %.0f videos (mean), "
            + "%,.0f ms each; model loads: %d, %,.0f ms each%n", what, model.flags().model(),
        model, batches.getCount(), mean(batches), mean(latency), loads.getCount(),
        mean(loads));
    Map<String, Long> reasons = reasons(metrics);
    out.println("dead letters: " + deadLetters + (reasons.isEmpty() ? ""
        : reasons.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ", " (", ")"))));
    long unknownLabels = counter(metrics, Yt8mIO.class, "records_with_unknown_labels");
    if (unknownLabels > 0) {
      out.printf(Locale.ROOT, "warning: %,d videos have labels outside the model's %d classes: "
          + "scored all the same (inference does not use labels)%n", unknownLabels,
          model.flags().numClasses());
    }
    int shards = options.getNumShards();
    String path = options.getOutputFile();
    out.println(shards == 0 ? "wrote " + path : String.format(Locale.ROOT,
        "wrote %d files: %s ... %s", shards, WriteSortedLines.fileName(path, 0, shards),
        WriteSortedLines.fileName(path, shards - 1, shards)));
    if (scored == 0) {
      long read = counter(metrics, Yt8mIO.class, "records_read");
      throw new IllegalStateException("scored nothing: " + (read == 0
          ? "--inputDataPattern=" + options.getInputDataPattern() + " holds no records"
          : "every one of the " + read + " records read is a dead letter (above)"));
    }
  }

  /** Invalid records by reason (Yt8mIO's {@code invalid_<reason>} counters), nonzero only. */
  private static Map<String, Long> reasons(MetricQueryResults metrics) {
    Map<String, Long> reasons = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      if (counter.getName().getNamespace().equals(Yt8mIO.class.getName())
          && name.startsWith("invalid_") && counter.getCommitted() > 0) {
        reasons.merge(name.substring("invalid_".length()), counter.getCommitted(), Long::sum);
      }
    }
    return reasons;
  }

  private static long counter(MetricQueryResults metrics, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (matches(counter, namespace, name)) {
        total += counter.getCommitted();
      }
    }
    return total;
  }

  private static DistributionResult distribution(MetricQueryResults metrics,
      Class<?> namespace, String name) {
    DistributionResult total = DistributionResult.IDENTITY_ELEMENT;
    for (MetricResult<DistributionResult> d : metrics.getDistributions()) {
      if (matches(d, namespace, name)) {
        DistributionResult c = d.getCommitted();
        total = DistributionResult.create(total.getSum() + c.getSum(),
            total.getCount() + c.getCount(), Math.min(total.getMin(), c.getMin()),
            Math.max(total.getMax(), c.getMax()));
      }
    }
    return total;
  }

  private static boolean matches(MetricResult<?> metric, Class<?> namespace, String name) {
    return metric.getName().getNamespace().equals(namespace.getName())
        && metric.getName().getName().equals(name);
  }

  private static double mean(DistributionResult distribution) {
    return distribution.getCount() == 0 ? 0 : distribution.getMean();
  }
}
