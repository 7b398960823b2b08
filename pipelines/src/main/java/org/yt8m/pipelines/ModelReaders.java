package org.yt8m.pipelines;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * Reading shards for a model: the features, frame mode, classes and frames its
 * {@code model_flags.json} records, with the reader flags checked against it. Shared by
 * {@code evaluate --trainDir} and {@code infer}.
 */
public final class ModelReaders {
  private ModelReaders() {}

  /**
   * The reader flags are the model's: one given on the command line that says otherwise is an
   * error naming it (the same value is fine). PipelineOptions' display data lists exactly the
   * options that were set, so defaults are told apart from values given.
   */
  public static void requireConsistent(ReaderOptions options, ModelFlags flags, Object model,
      String command) {
    Set<String> given = DisplayData.from(options).items().stream()
        .map(DisplayData.Item::getKey).collect(Collectors.toSet());
    Check check = new Check(given, model, command);
    check.flag("frameFeatures", options.getFrameFeatures(), "frame_features",
        flags.frameFeatures());
    check.flag("featureNames", normalized(options.getFeatureNames()), "feature_names",
        flags.features().namesFlag());
    check.flag("featureSizes", normalized(options.getFeatureSizes()), "feature_sizes",
        flags.features().sizesFlag());
    check.flag("numClasses", options.getNumClasses(), "num_classes", flags.numClasses());
    if (flags.frameFeatures()) {
      check.flag("maxFrames", options.getMaxFrames(), "max_frames", flags.config().maxFrames());
    }
  }

  /** The reader of a video-level model's features and classes. */
  public static Yt8mIO.Read<VideoRecord> videos(ReaderOptions options, String pattern,
      ModelFlags flags) {
    return Yt8mIO.readVideos(pattern).withFeatures(flags.features())
        .withNumClasses(flags.numClasses()).withCompression(options.getCompression());
  }

  /** The reader of a frame-level model's features, classes and frames. */
  public static Yt8mIO.Read<FrameRecord> frames(ReaderOptions options, String pattern,
      ModelFlags flags) {
    return Yt8mIO.readFrames(pattern).withFeatures(flags.features())
        .withNumClasses(flags.numClasses()).withMaxFrames(flags.config().maxFrames())
        .withCompression(options.getCompression());
  }

  private record Check(Set<String> given, Object model, String command) {
    void flag(String flag, Object value, String key, Object recorded) {
      if (given.contains(flag) && !Objects.equals(value, recorded)) {
        throw new IllegalArgumentException("--" + flag + "=" + value + " contradicts the "
            + "model: " + model + "/" + ModelFlags.FILE_NAME + " has " + key + " " + recorded
            + ". Leave the flag out: " + command + " reads the shards as the model was "
            + "trained.");
      }
    }
  }

  /** A comma-separated flag as {@code FeatureSpec} writes it: no spaces around the commas. */
  private static String normalized(String list) {
    return list.replaceAll("\\s*,\\s*", ",").strip();
  }
}
