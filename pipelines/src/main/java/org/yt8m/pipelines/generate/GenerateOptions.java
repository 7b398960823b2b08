package org.yt8m.pipelines.generate;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.model.synthetic.SyntheticVideos.FrameLabels;

/** Options of {@code yt8m generate}. */
public interface GenerateOptions extends PipelineOptions {

  @Description("Directory to write the shards into (local or gs://).")
  @Validation.Required
  String getOutputDir();

  void setOutputDir(String outputDir);

  @Description("Videos to generate, spread evenly over the shards.")
  @Default.Integer(1000)
  int getNumVideos();

  void setNumVideos(int numVideos);

  @Description("Shards to write, named like the releases': train0000.tfrecord, ...")
  @Default.Integer(4)
  int getNumShards();

  void setNumShards(int numShards);

  @Description("Number of classes of the hidden model (Zipf-like frequencies, class 0 the "
      + "most frequent).")
  @Default.Integer(3862)
  int getNumClasses();

  void setNumClasses(int numClasses);

  @Description("Write frame-level tf.train.SequenceExample shards (quantized rgb and audio "
      + "frames, 10 to 330 per video) instead of video-level tf.train.Example shards.")
  @Default.Boolean(false)
  boolean getFrameFeatures();

  void setFrameFeatures(boolean frameFeatures);

  @Description("With --frameFeatures: MEAN (frames around the mean of the video's classes' "
      + "prototypes) or PATTERNS (each frame one of its classes' patterns or a background "
      + "pattern, with a random sign: the labels say which patterns occur, the frames' mean "
      + "says almost nothing, so only models that pool over the frames, such as NetVladModel "
      + "and NeXtVladModel, learn them).")
  @Default.Enum("MEAN")
  FrameLabels getFrameLabels();

  void setFrameLabels(FrameLabels frameLabels);

  @Description("With --frameFeatures: 2019 segment-rated videos. Frames come in 5-frame "
      + "segments that each show a video's class or a look-alike of it; the context holds "
      + "segment_labels, segment_start_times and segment_scores for up to 5 segments a video "
      + "(score 1 where the segment shows the class), except in the test split.")
  @Default.Boolean(false)
  boolean getSegmentLabels();

  void setSegmentLabels(boolean segmentLabels);

  @Description("Seed of the hidden model and of every shard: the same flags and seed write "
      + "byte-identical shards.")
  @Default.Long(1)
  long getSeed();

  void setSeed(long seed);

  @Description("Split name, the shards' prefix: train, validate or test (test shards carry no "
      + "labels, as the real ones).")
  @Default.String("train")
  String getSplit();

  void setSplit(String split);

  @Description("UNCOMPRESSED, or GZIP (names end in .gz).")
  @Default.Enum("UNCOMPRESSED")
  Compression getCompression();

  void setCompression(Compression compression);
}
