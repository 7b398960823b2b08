package org.yt8m.pipelines;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Packaging the model a job used as a {@code .tgz} ({@link ModelArchive}). */
public interface OutputModelTgzOptions extends PipelineOptions {

  @Description("Also write the model as a gzipped tar (the starter's --output_model_tgz): the "
      + "export and its model_flags.json, laid out as a trainDir that --inputModelTgz reads "
      + "back. Local or gs://.")
  String getOutputModelTgz();

  void setOutputModelTgz(String outputModelTgz);
}
