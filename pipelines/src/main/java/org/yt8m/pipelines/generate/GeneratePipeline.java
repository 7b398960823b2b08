package org.yt8m.pipelines.generate;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVocabulary;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.transforms.io.FileSystemsTrainDir;
import org.yt8m.transforms.io.WriteFile;
import org.yt8m.transforms.synthetic.WriteSyntheticShards;

/**
 * {@code yt8m generate}: writes a synthetic YouTube-8M split in the real format whose labels
 * follow a hidden model of the features: the embedded default every other command can run on.
 * The split's shards appear together, with their manifest, when the job succeeds.
 */
public final class GeneratePipeline {
  private GeneratePipeline() {}

  public static void main(String[] args) throws IOException {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(GenerateOptions.class),
        System.out);
  }

  /**
   * What {@code yt8m generate} does: runs the pipeline to the end, writes the classes'
   * {@code vocabulary.csv} beside the shards, and says what it wrote.
   */
  public static void execute(GenerateOptions options, PrintStream out) throws IOException {
    SyntheticShards shards = shards(options);
    FileSystems.setDefaultPipelineOptions(options);
    String vocabulary = FileSystems.matchNewResource(options.getOutputDir(), true)
        .resolve(Vocabulary.FILE_NAME, StandardResolveOptions.RESOLVE_FILE).toString();
    String classes = SyntheticVocabulary.csv(options.getNumClasses());
    Optional<String> existing = FileSystemsTrainDir.of(options.getOutputDir())
        .readString(Vocabulary.FILE_NAME);
    if (existing.isPresent() && !existing.get().equals(classes)) {
      throw new IllegalArgumentException(vocabulary + " exists and is not the synthetic "
          + "vocabulary of " + options.getNumClasses() + " classes: generate into another "
          + "directory (a vocabulary there is left as it is)");
    }
    JobRunner.awaitSuccess(run(options));
    WriteFile.write(vocabulary, classes);
    String suffix = options.getCompression().getSuggestedSuffix();
    String files = (shards.numShards() == 1 ? shards.shardName(0) + suffix
        : shards.shardName(0) + suffix + " ... " + shards.shardName(shards.numShards() - 1)
            + suffix) + ", " + WriteSyntheticShards.manifestName(shards.split()) + ", "
        + Vocabulary.FILE_NAME;
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
