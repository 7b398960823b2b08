package org.yt8m.pipelines.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.Readers;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.inspect.DeadLetterStats;
import org.yt8m.transforms.inspect.DeadLetterStatsCoder;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.shuffle.ShuffleIntoShards;
import org.yt8m.transforms.shuffle.SortedRun;

/**
 * {@code yt8m prepare}: reads and validates training shards, shuffles them globally and writes
 * {@code --numShards} equal uncompressed shards plus {@code manifest.json}: the trainer's input.
 * Invalid records are left out, counted by reason in the manifest and the printed summary. The
 * shards and manifest are committed as one set ({@link ShuffleIntoShards}): a killed run leaves
 * the directory's earlier preparation as it was, and a run into another number of shards
 * replaces the earlier shards.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  public static void main(String[] args) throws IOException {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(PrepareOptions.class),
        System.out);
  }

  /**
   * What {@code yt8m prepare} does: checks the pattern and the output directory, runs the
   * pipeline to the end, and prints the manifest's summary.
   */
  public static void execute(PrepareOptions options, PrintStream out) throws IOException {
    JobRunner.requireMatches(options, "trainDataPattern", options.getTrainDataPattern());
    JobRunner.requireSharedPath(options, "outputDir", options.getOutputDir());
    if (!JobRunner.awaitUnlessTemplate(options, run(options))) {
      return;
    }
    JsonNode manifest = new ObjectMapper().readTree(Channels.newInputStream(
        FileSystems.open(FileSystems.matchNewResource(manifestPath(options), false))));
    out.println(PrepareManifest.summaryLine(manifest, options.getOutputDir()));
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(PrepareOptions options) {
    JobPaths.of(options).input("trainDataPattern", options.getTrainDataPattern())
        .outputDirectory("outputDir", options.getOutputDir()).check();
    FeatureSpec features = Readers.features(options);
    String pattern = options.getTrainDataPattern();
    Pipeline pipeline = Pipeline.create(options);
    ShuffleIntoShards shuffle = ShuffleIntoShards.to(options.getOutputDir())
        .withFeatures(features).withNumShards(options.getNumShards())
        .withSeed(options.getSeed());
    // The read's output is each shard's sorted runs, a few KB: few bundles on the DirectRunner.
    int shardGroups = Readers.smallOutputShardGroups(options);
    ReadResult<SortedRun> read = options.getFrameFeatures()
        ? pipeline.apply("ReadFrames", Readers.frames(options, pattern)
            .withShardGroups(shardGroups).through(shuffle.runsInRead()))
        : pipeline.apply("ReadVideos", Readers.videos(options, pattern)
            .withShardGroups(shardGroups).through(shuffle.runsInRead()));
    ObjectNode context = PrepareManifest.context(pattern, features, options.getFrameFeatures(),
        options.getNumClasses(), options.getMaxFrames(), options.getSeed());
    PCollectionView<String> manifestFields = read.deadLetters()
        .apply("SummarizeDeadLetters", Combine.globally(
            AccumulatorFn.of(DeadLetterStats::new, DeadLetterStatsCoder.of())))
        .apply("ManifestFields", ParDo.of(new ManifestFieldsFn(context)))
        .setCoder(StringUtf8Coder.of())
        .apply("ManifestFieldsView", View.asSingleton());
    read.records().apply("Shuffle", shuffle.withManifestFields(manifestFields));
    return pipeline.run();
  }

  private static String manifestPath(PrepareOptions options) {
    return FileSystems.matchNewResource(options.getOutputDir(), true)
        .resolve(PrepareManifest.FILE, StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** The manifest's fields from what was read and the dead letters. */
  private static final class ManifestFieldsFn extends DoFn<DeadLetterStats, String> {
    private static final long serialVersionUID = 1L;
    private final String context;

    ManifestFieldsFn(ObjectNode context) {
      this.context = context.toString();
    }

    @ProcessElement
    public void process(@Element DeadLetterStats deadLetters, OutputReceiver<String> out)
        throws IOException {
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      out.output(PrepareManifest.fields(contextNode, deadLetters).toString());
    }
  }
}
