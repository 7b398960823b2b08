package org.yt8m.pipelines.evaluate;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.pipelines.InputModelTgzOptions;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.ProgressOptions;
import org.yt8m.pipelines.ReaderOptions;
import org.yt8m.pipelines.VocabularyOptions;

/** Options of {@code yt8m evaluate}. */
public interface EvaluateOptions extends ReaderOptions, ProgressOptions,
    InputModelTgzOptions, VocabularyOptions {

  @Description("Shards whose labels the predictions are scored against: a local or gs:// "
      + "glob, e.g. gs://bucket/validate*.tfrecord.")
  @Validation.Required
  String getEvalDataPattern();

  void setEvalDataPattern(String evalDataPattern);

  @Description("Predictions file(s) in the inference CSV format (VideoId,LabelConfidencePairs) "
      + "to score, e.g. a Kaggle-style submission: a path or glob.")
  String getPredictions();

  void setPredictions(String predictions);

  @Description("Training directory of a model to evaluate: its latest export "
      + "(trainDir/export/latest) scores every labelled video; features, frame mode and classes "
      + "come from the export's model_flags.json. Results go to trainDir/eval/step_N unless "
      + "--outputDir, and add a line to trainDir/eval/history.jsonl and a point to the eval "
      + "TensorBoard log.")
  String getTrainDir();

  void setTrainDir(String trainDir);

  @Description("With --trainDir: evaluate the newest export of the current training run whose "
      + "evaluation has not completed (no line in trainDir/eval/history.jsonl; a killed one is "
      + "redone), and do nothing when every one has: what an hourly scheduled evaluation runs.")
  @Default.Boolean(false)
  boolean getOnlyNew();

  void setOnlyNew(boolean onlyNew);

  @Description("With --trainDir: videos scored per model call.")
  @Default.Integer(1024)
  int getBatchSize();

  void setBatchSize(int batchSize);

  @Description("With --predictions: the file's videos are joined with the shards' labels in "
      + "this many groups by a hash of the id, joined and counted in parallel, each holding "
      + "about videos / joinGroups videos (some 500 bytes each) in memory. Default: 4 on the "
      + "DirectRunner (its grouping costs grow with the number of groups), 32 on other runners.")
  @Default.InstanceFactory(JoinGroupsFactory.class)
  int getJoinGroups();

  void setJoinGroups(int joinGroups);

  /** 4 groups on the DirectRunner, 32 elsewhere. */
  class JoinGroupsFactory implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      return JobRunner.isLocal(options) ? 4 : 32;
    }
  }

  @Description("Each video's top-k predictions count for GAP and per-class AP.")
  @Default.Integer(20)
  int getTopK();

  void setTopK(int topK);

  @Description("mAP over all --numClasses classes, counting classes without positives as 0 "
      + "(the starter code's 2017/2018 convention), instead of over the classes with "
      + "positives.")
  @Default.Boolean(false)
  boolean getMapOverAllClasses();

  void setMapOverAllClasses(boolean mapOverAllClasses);

  @Description("Segment-level evaluation (the 2019 data): --evalDataPattern is segment-rated "
      + "frame-level shards, and --predictions a Class,Segments submission, or --trainDir a "
      + "frame-level model whose submission (every 5-frame segment scored, its --topK classes "
      + "each) is made and scored in the job; the figure is mAP@topN over the submitted "
      + "classes, counting only rated (segment, class) cells.")
  @Default.Boolean(false)
  boolean getSegmentLabels();

  void setSegmentLabels(boolean segmentLabels);

  @Description("With --segmentLabels: segments kept per class, best first (0: all, for a "
      + "submission file only).")
  @Default.Integer(100_000)
  int getTopN();

  void setTopN(int topN);

  @Description("Directory for metrics.json, per_class_ap.csv and report.html (local or "
      + "gs://).")
  String getOutputDir();

  void setOutputDir(String outputDir);
}
