package org.yt8m.pipelines.inspect;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.pipelines.ProgressOptions;
import org.yt8m.pipelines.ReaderOptions;

/** Options of {@code yt8m inspect}. */
public interface InspectOptions extends ReaderOptions, ProgressOptions {

  @Description("Shards to check: a local or gs:// glob, e.g. gs://bucket/train*.tfrecord.")
  @Validation.Required
  String getInputPattern();

  void setInputPattern(String inputPattern);

  @Description("Also write the report as JSON to this path (local or gs://). Without it, the "
      + "report is only printed (the job writes it to a temporary file under --tempLocation or "
      + "the system's temp folder, removed once read).")
  String getOutput();

  void setOutput(String output);
}
