package org.yt8m.pipelines;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Reading the model from a {@code .tgz} ({@link ModelArchive}), as the starter's inference.py
 * does with {@code --input_model_tgz} and {@code --untar_model_dir}.
 */
public interface InputModelTgzOptions extends PipelineOptions {

  @Description("Read the model from this gzipped tar (written by --outputModelTgz), unpacked "
      + "into --untarModelDir, instead of --trainDir or --modelDir. Local or gs://.")
  String getInputModelTgz();

  void setInputModelTgz(String inputModelTgz);

  @Description("Where --inputModelTgz is unpacked: a new or empty directory, then used as "
      + "the trainDir (gs:// when the job runs on Dataflow).")
  String getUntarModelDir();

  void setUntarModelDir(String untarModelDir);
}
