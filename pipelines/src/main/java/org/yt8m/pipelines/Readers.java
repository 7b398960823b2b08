package org.yt8m.pipelines;

import static com.google.common.base.Preconditions.checkArgument;

import org.apache.beam.sdk.options.PipelineOptions;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.transforms.io.Yt8mIO;

/** Builds the read transforms from {@link ReaderOptions}, with errors that name the flags. */
public final class Readers {
  /** See {@link #smallOutputShardGroups}. */
  private static final int LOCAL_SHARD_GROUPS = 8;

  private Readers() {}

  /**
   * The shard groups ({@link Yt8mIO.Read#withShardGroups}) of a read whose output is small
   * (per-shard summaries, labels): 8 on the DirectRunner, whose costs grow with the number of
   * bundles (it translates a step again for each bundle, and a grouping copies a key's values
   * each time another bundle adds to it), 0 elsewhere (a bundle per shard, spread over the
   * workers).
   */
  public static int smallOutputShardGroups(PipelineOptions options) {
    return JobRunner.isLocal(options) ? LOCAL_SHARD_GROUPS : 0;
  }

  /** The features of {@code --featureNames} / {@code --featureSizes}. */
  public static FeatureSpec features(ReaderOptions options) {
    try {
      return FeatureSpec.parse(options.getFeatureNames(), options.getFeatureSizes());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--featureNames=" + options.getFeatureNames()
          + " --featureSizes=" + options.getFeatureSizes() + ": " + e.getMessage(), e);
    }
  }

  /** Reads video-level shards matching {@code pattern} as {@code options} say. */
  public static Yt8mIO.Read<VideoRecord> videos(ReaderOptions options, String pattern) {
    checkArgument(!options.getFrameFeatures(), "video-level read with --frameFeatures set");
    return Yt8mIO.readVideos(pattern).withFeatures(features(options))
        .withNumClasses(options.getNumClasses()).withCompression(options.getCompression());
  }

  /** Reads frame-level shards matching {@code pattern} as {@code options} say. */
  public static Yt8mIO.Read<FrameRecord> frames(ReaderOptions options, String pattern) {
    checkArgument(options.getFrameFeatures(), "frame-level read without --frameFeatures");
    return Yt8mIO.readFrames(pattern).withFeatures(features(options))
        .withNumClasses(options.getNumClasses()).withMaxFrames(options.getMaxFrames())
        .withCompression(options.getCompression());
  }
}
