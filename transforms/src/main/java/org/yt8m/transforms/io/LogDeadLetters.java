package org.yt8m.transforms.io;

import java.util.logging.Logger;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Logs each dead letter as a warning (file, record, id, reason, message) and counts them as
 * {@code dead_letters}: for jobs that go on without the records they could not use and report
 * how many there were. Real shards have next to none; a job full of them is worth reading about.
 */
public final class LogDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {
  private static final long serialVersionUID = 1L;

  private LogDeadLetters() {}

  public static LogDeadLetters create() {
    return new LogDeadLetters();
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    deadLetters.apply("LogEach", ParDo.of(new LogFn()));
    return PDone.in(deadLetters.getPipeline());
  }

  private static final class LogFn extends DoFn<DeadLetter, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(LogDeadLetters.class.getName());
    private final Counter deadLetters = Metrics.counter(LogDeadLetters.class, "dead_letters");

    @ProcessElement
    public void process(@Element DeadLetter letter) {
      deadLetters.inc();
      LOG.warning("dead letter: " + letter);
    }
  }
}
