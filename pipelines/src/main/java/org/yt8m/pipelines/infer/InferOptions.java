package org.yt8m.pipelines.infer;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.pipelines.InputModelTgzOptions;
import org.yt8m.pipelines.OutputModelTgzOptions;
import org.yt8m.pipelines.ProgressOptions;
import org.yt8m.pipelines.ReaderOptions;
import org.yt8m.pipelines.VocabularyOptions;

/**
 * Options of {@code yt8m infer}: the starter's inference.py flags in camelCase. The reader
 * flags of {@link ReaderOptions} default to what the model's {@code model_flags.json} says; a
 * flag given on the command line that contradicts it is an error.
 */
public interface InferOptions extends ReaderOptions, ProgressOptions,
    InputModelTgzOptions, OutputModelTgzOptions, VocabularyOptions {

  @Description("Shards to score: a local or gs:// glob, e.g. gs://bucket/test*.tfrecord. "
      + "Labels are not needed.")
  @Validation.Required
  String getInputDataPattern();

  void setInputDataPattern(String inputDataPattern);

  @Description("Training directory whose latest exported model scores the videos "
      + "(trainDir/export/latest). One of --trainDir or --modelDir is required.")
  String getTrainDir();

  void setTrainDir(String trainDir);

  @Description("One exported model directory (trainDir/export/step_N) to score with, "
      + "instead of --trainDir's latest.")
  String getModelDir();

  void setModelDir(String modelDir);

  @Description("Predictions CSV to write (VideoId,LabelConfidencePairs), local or gs://.")
  @Validation.Required
  String getOutputFile();

  void setOutputFile(String outputFile);

  @Description("Predictions written per video (per class with --segmentLabels: see "
      + "--segmentMaxPred).")
  @Default.Integer(20)
  int getTopK();

  void setTopK(int topK);

  @Description("Videos scored per model call.")
  @Default.Integer(512)
  int getBatchSize();

  void setBatchSize(int batchSize);

  @Description("Output shards: 0 writes the one file --outputFile; N > 0 writes N files "
      + "named after it, each with the header, for very large outputs.")
  @Default.Integer(0)
  int getNumShards();

  void setNumShards(int numShards);

  @Description("Segment mode (2019 data): score each 5-frame segment of segment-rated "
      + "frame-level shards and write a Class,Segments submission.")
  @Default.Boolean(false)
  boolean getSegmentLabels();

  void setSegmentLabels(boolean segmentLabels);

  @Description("With --segmentLabels: segments written per class, best first.")
  @Default.Integer(100_000)
  int getSegmentMaxPred();

  void setSegmentMaxPred(int segmentMaxPred);

  @Description("With --segmentLabels: a one-column CSV with a header listing the classes to "
      + "write (the 1000 rated classes); all classes when absent.")
  String getSegmentLabelIdsFile();

  void setSegmentLabelIdsFile(String segmentLabelIdsFile);
}
