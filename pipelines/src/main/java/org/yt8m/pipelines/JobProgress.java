package org.yt8m.pipelines;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.beam.runners.dataflow.DataflowPipelineJob;
import org.apache.beam.runners.dataflow.util.MonitoringUtil;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.joda.time.Duration;
import org.yt8m.transforms.infer.ScoreVideos;
import org.yt8m.transforms.io.ReadProgress;

/**
 * Follows a running job to its end for the person who started it, from the job's own attempted
 * metrics ({@link ReadProgress}'s counters, and {@code infer}'s and {@code evaluate}'s
 * {@code videos_scored}, queried while it runs): every few seconds a line of shards read of
 * those matched, records so far, the rate, what was scored, and an ETA from the bytes of the
 * shards still to read (once all are read, the job is finishing: scoring, grouping, writing),
 * refreshed in place on a terminal and one line at a time otherwise, and a last line when the
 * job ends. A job that reads no shards prints nothing. On Dataflow, whose
 * console shows all that better, it prints the job's console link and its state changes instead.
 */
public final class JobProgress {
  private static final Duration TERMINAL_INTERVAL = Duration.standardSeconds(2);
  private static final Duration LOG_INTERVAL = Duration.standardSeconds(10);
  private static final String VIDEOS_SCORED = "videos_scored";

  private final PrintStream err;
  private final boolean terminal;
  private final Duration interval;
  private final LongSupplier nanoTime;

  JobProgress(PrintStream err, boolean terminal, Duration interval, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.interval = interval;
    this.nanoTime = nanoTime;
  }

  /** Reports to stderr, in place when this process has a terminal. */
  static JobProgress toStderr() {
    boolean terminal = System.console() != null;
    return new JobProgress(System.err, terminal, terminal ? TERMINAL_INTERVAL : LOG_INTERVAL,
        System::nanoTime);
  }

  /** Waits for the job to end, reporting meanwhile, and returns its final state. */
  PipelineResult.State follow(PipelineResult result) {
    if (result instanceof DataflowPipelineJob job) {
      return followDataflow(job);
    }
    long start = nanoTime.getAsLong();
    boolean inPlace = false;
    String last = "";
    try {
      while (true) {
        PipelineResult.State state = result.waitUntilFinish(interval);
        boolean finished = state != null && state.isTerminal();
        Counts counts = Counts.of(result.metrics());
        if (counts.shardsMatched() > 0) {
          String line = counts.line(Duration.millis((nanoTime.getAsLong() - start) / 1_000_000),
              finished);
          if (terminal) {
            err.print("\r" + line + "\033[K");
            err.flush();
            inPlace = true;
          } else if (!line.equals(last)) {
            err.println(line);
          }
          last = line;
        }
        if (finished) {
          return state;
        }
      }
    } finally {
      if (inPlace) {
        err.println();
      }
    }
  }

  private PipelineResult.State followDataflow(DataflowPipelineJob job) {
    err.println("Dataflow job " + job.getJobId() + ": " + MonitoringUtil
        .getJobMonitoringPageURL(job.getProjectId(), job.getRegion(), job.getJobId()));
    PipelineResult.State shown = null;
    while (true) {
      PipelineResult.State state = job.waitUntilFinish(LOG_INTERVAL);
      state = state == null ? job.getState() : state;
      if (state != shown) {
        err.println("Dataflow job " + job.getJobId() + ": " + state);
        shown = state;
      }
      if (state.isTerminal()) {
        return state;
      }
    }
  }

  /** The read counters summed over the job's reads, and the videos scored by a model. */
  record Counts(long shardsMatched, long bytesMatched, long shardsRead, long bytesRead,
      long records, long scored) {
    static Counts of(MetricResults metrics) {
      Map<String, Long> sums = new HashMap<>();
      for (MetricResult<Long> counter : metrics.queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.inNamespace(ReadProgress.NAMESPACE))
          .addNameFilter(MetricNameFilter.named(ScoreVideos.class, VIDEOS_SCORED)).build())
          .getCounters()) {
        sums.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
      return new Counts(sums.getOrDefault(ReadProgress.SHARDS_MATCHED, 0L),
          sums.getOrDefault(ReadProgress.BYTES_MATCHED, 0L),
          sums.getOrDefault(ReadProgress.SHARDS_READ, 0L),
          sums.getOrDefault(ReadProgress.BYTES_READ, 0L),
          sums.getOrDefault(ReadProgress.RECORDS_READ, 0L),
          sums.getOrDefault(VIDEOS_SCORED, 0L));
    }

    /**
     * {@code read 3 of 16 shards, 120,345 records, 25,100 records/s, 98,304 scored, ETA
     * 0:00:42} ({@code scored} when a model scores); {@code finishing} instead of the ETA once
     * every shard is read, and once {@code finished} the time taken.
     */
    String line(Duration elapsed, boolean finished) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "read %,d of %,d shards, %,d records", shardsRead, shardsMatched, records));
      double seconds = elapsed.getMillis() / 1000.0;
      if (seconds >= 1) {
        line.append(String.format(Locale.ROOT, ", %,.0f records/s", records / seconds));
      }
      if (scored > 0) {
        line.append(String.format(Locale.ROOT, ", %,d scored", scored));
      }
      if (finished) {
        line.append(", in ").append(clock(elapsed.getMillis() / 1000));
      } else if (shardsRead == shardsMatched) {
        line.append(", finishing");
      } else if (bytesRead > 0) {
        long left = Math.max(0, bytesMatched - bytesRead);
        line.append(", ETA ").append(clock(Math.round(seconds * left / bytesRead)));
      } else {
        line.append(", ETA after the first shard");
      }
      return line.toString();
    }

    private static String clock(long seconds) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
          seconds % 60);
    }
  }
}
