package org.yt8m.pipelines.ensemble;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * Options of {@code yt8m ensemble}. Not a Beam job; these are PipelineOptions so that it
 * parses, validates and documents its flags as every command does, and reaches gs:// through
 * Beam's FileSystems.
 */
public interface EnsembleOptions extends PipelineOptions {

  @Description("The members, comma-separated: exported models (trainDir/export/step_N), or "
      + "training directories, whose latest export is taken. Local or gs://. They must read "
      + "the same records: the same features, classes and frame mode (video-level and "
      + "frame-level models cannot be mixed: no record feeds both). One member re-exports it, "
      + "e.g. in float16.")
  @Validation.Required
  String getModelDirs();

  void setModelDirs(String modelDirs);

  @Description("The members' weights, comma-separated, one per --modelDirs entry, numbers "
      + ">= 0 (normalized to sum to 1). The probabilities are the weighted mean of the "
      + "members'. Default: equal weights.")
  String getWeights();

  void setWeights(String weights);

  @Description("Where to write the ensemble, laid out as a training directory holding one "
      + "export (model_flags.json, export/step_0, export/latest), so that infer and evaluate "
      + "take it as --trainDir (or infer as --modelDir=DIR/export/step_0). Local or gs://; "
      + "not a directory holding a member, nor a training run's.")
  @Validation.Required
  String getOutputDir();

  void setOutputDir(String outputDir);

  @Description("How the ensemble stores its weights: float32, or float16 (half the bytes; "
      + "read into float32 in the graph, which computes in float32).")
  @Default.String("float32")
  String getExportPrecision();

  void setExportPrecision(String exportPrecision);
}
