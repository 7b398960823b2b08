package org.yt8m.pipelines.train;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The flags of {@code yt8m train} for the 2019 segment challenge: training on rated segments,
 * and starting a run from another one's weights (how a video-level model becomes a segment
 * model).
 */
public interface FineTuningOptions extends PipelineOptions {

  @Description("Train on the rated segments of 2019 segment-rated frame-level shards: each "
      + "rated segment of --segmentSize frames is an example of the (frame-level) model; a "
      + "class rated on it is a positive or a negative as its score says, and every class not "
      + "rated on it counts nowhere in the loss (label weight 0). A video whose ratings break "
      + "the rules is skipped and counted by reason.")
  @Default.Boolean(false)
  boolean getSegmentLabels();

  void setSegmentLabels(boolean segmentLabels);

  @Description("With --segmentLabels: frames per segment (the 2019 challenge's 5); each "
      + "segment_start_times value must be a multiple of it.")
  @Default.Integer(5)
  int getSegmentSize();

  void setSegmentSize(int segmentSize);

  @Description("Start a new run from another run's weights: a training directory (its latest "
      + "export) or one export directory (local or gs://). Every variable whose name and shape "
      + "match is taken and the others start fresh, both listed in the log; the global step "
      + "starts at 0, and the optimizer's state fresh unless --initOptimizer. A run that "
      + "resumes its own checkpoint in --trainDir does not use it.")
  String getInitFrom();

  void setInitFrom(String initFrom);

  @Description("With --initFrom: take the optimizer's state too (Adam's moments, momentum).")
  @Default.Boolean(false)
  boolean getInitOptimizer();

  void setInitOptimizer(boolean initOptimizer);
}
