package org.yt8m.transforms.testing;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * Beam's {@link TestPipeline} for JUnit 5 tests (its JUnit 4 rule is not available here): on the
 * DirectRunner with its immutability and encodability checks on, as every test should run.
 */
public final class TestPipelines {
  private TestPipelines() {}

  /** A fresh test pipeline that may be run without the JUnit 4 rule. */
  public static TestPipeline create() {
    return TestPipeline.create().enableAbandonedNodeEnforcement(false);
  }

  /** The committed value of counter {@code name} in namespace {@code namespace}, 0 if absent. */
  public static long counter(PipelineResult result, Class<?> namespace, String name) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build());
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      total += counter.getCommitted();
    }
    return total;
  }
}
