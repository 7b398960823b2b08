package org.yt8m.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Whether a long job tells the person who started it how far it is ({@link JobProgress}). */
public interface ProgressOptions extends PipelineOptions {

  @Description("Print no progress while the job runs: no line of shards, records, rate and ETA "
      + "on stderr, and on Dataflow no console link or state changes.")
  @Default.Boolean(false)
  boolean getQuiet();

  void setQuiet(boolean quiet);
}
