package org.yt8m.pipelines;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How records are read: the starter code's reader flags ({@code feature_names},
 * {@code feature_sizes}, {@code frame_features}) plus the number of classes, shared by every job
 * that reads shards.
 */
public interface ReaderOptions extends PipelineOptions {

  @Description("Read frame-level tf.train.SequenceExample shards instead of video-level "
      + "tf.train.Example shards.")
  @Default.Boolean(false)
  boolean getFrameFeatures();

  void setFrameFeatures(boolean frameFeatures);

  @Description("Features to read, comma-separated, concatenated in this order. Default: "
      + "mean_rgb,mean_audio for video-level shards, rgb,audio with --frameFeatures.")
  @Default.InstanceFactory(DefaultFeatureNames.class)
  String getFeatureNames();

  void setFeatureNames(String featureNames);

  @Description("Sizes of the features in --featureNames, comma-separated (per frame for "
      + "frame-level features).")
  @Default.String("1024,128")
  String getFeatureSizes();

  void setFeatureSizes(String featureSizes);

  @Description("Number of classes: labels must lie in [0, numClasses). 3862 for the 2018 "
      + "release, 4716 for 2017, 4800 for 2016.")
  @Default.Integer(3862)
  int getNumClasses();

  void setNumClasses(int numClasses);

  @Description("Frame-level videos keep at most this many frames (the starter's max_frames).")
  @Default.Integer(300)
  int getMaxFrames();

  void setMaxFrames(int maxFrames);

  @Description("Compression of the input shards: AUTO (by extension, .gz is GZIP), GZIP or "
      + "UNCOMPRESSED.")
  @Default.Enum("AUTO")
  Compression getCompression();

  void setCompression(Compression compression);

  /** The 2018 readers' feature names for the chosen level. */
  final class DefaultFeatureNames implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return options.as(ReaderOptions.class).getFrameFeatures() ? "rgb,audio"
          : "mean_rgb,mean_audio";
    }
  }
}
