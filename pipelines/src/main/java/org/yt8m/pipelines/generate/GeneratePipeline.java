package org.yt8m.pipelines.generate;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.transforms.synthetic.WriteSyntheticShards;

/**
 * {@code yt8m generate}: writes a synthetic YouTube-8M split in the real format whose labels
 * follow a hidden model of the features: the embedded default every other command can run on.
 * The split's shards appear together, with their manifest, when the job succeeds.
 */
public final class GeneratePipeline {
  private GeneratePipeline() {}

  public static void main(String[] args) {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(GenerateOptions.class),
        System.out);
  }

  /** What {@code yt8m generate} does: runs the pipeline to the end and says what it wrote. */
  public static void execute(GenerateOptions options, PrintStream out) {
    SyntheticShards shards = shards(options);
    JobRunner.awaitSuccess(run(options));
    String suffix = options.getCompression().getSuggestedSuffix();
    String files = (shards.numShards() == 1 ? shards.shardName(0) + suffix
        : shards.shardName(0) + suffix + " ... " + shards.shardName(shards.numShards() - 1)
            + suffix) + ", " + WriteSyntheticShards.manifestName(shards.split());
    out.printf(Locale.ROOT, "wrote %,d %s videos (%s split, seed %d) in %d shard%s to %s: %s%n",
        shards.numVideos(), shards.segmentLabels() ? "segment-rated frame-level"
            : shards.frameLevel() ? "frame-level" : "video-level",
        shards.split(), options.getSeed(), shards.numShards(),
        shards.numShards() == 1 ? "" : "s", options.getOutputDir(), files);
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(GenerateOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("WriteShards", WriteSyntheticShards.to(options.getOutputDir())
        .withShards(shards(options))
        .withSeed(options.getSeed())
        .withNumClasses(options.getNumClasses())
        .withCompression(options.getCompression())
        .withFrameLabels(options.getFrameLabels()));
    return pipeline.run();
  }

  private static SyntheticShards shards(GenerateOptions options) {
    if (options.getSegmentLabels() && !options.getFrameFeatures()) {
      throw new IllegalArgumentException("--segmentLabels rates segments of frame-level "
          + "videos: add --frameFeatures");
    }
    return new SyntheticShards(options.getSplit(), options.getNumVideos(),
        options.getNumShards(), options.getFrameFeatures(), SyntheticShards.DEFAULT_MIN_FRAMES,
        SyntheticShards.DEFAULT_MAX_FRAMES, options.getSegmentLabels());
  }
}
