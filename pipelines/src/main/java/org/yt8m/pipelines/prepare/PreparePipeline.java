package org.yt8m.pipelines.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.Readers;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.inspect.DeadLetterStats;
import org.yt8m.transforms.inspect.DeadLetterStatsCoder;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.WriteFile;
import org.yt8m.transforms.shuffle.ShardPlan;
import org.yt8m.transforms.shuffle.ShuffleIntoShards;

/**
 * {@code yt8m prepare}: reads and validates training shards, shuffles them globally and writes
 * {@code --numShards} equal uncompressed shards plus {@code manifest.json}: the trainer's input.
 * Invalid records are left out, counted by reason in the manifest and the printed summary.
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
    requireNoOtherPreparation(options);
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
    ReadResult<? extends Yt8mRecord> read = options.getFrameFeatures()
        ? pipeline.apply("ReadFrames", Readers.frames(options, pattern))
        : pipeline.apply("ReadVideos", Readers.videos(options, pattern));
    PCollection<ShardPlan> written = shuffle(read, options, features);
    PCollectionView<DeadLetterStats> deadLetters = read.deadLetters()
        .apply("SummarizeDeadLetters", Combine.globally(
            AccumulatorFn.of(DeadLetterStats::new, DeadLetterStatsCoder.of())).asSingletonView());
    ObjectNode context = PrepareManifest.context(pattern, features, options.getFrameFeatures(),
        options.getNumClasses(), options.getMaxFrames(), options.getSeed());
    written
        .apply("RenderManifest", ParDo.of(new RenderFn(context))
            .withSideInput(RenderFn.DEAD_LETTERS, deadLetters))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteManifest", WriteFile.<String>to(manifestPath(options)).via(json -> json));
    return pipeline.run();
  }

  private static <T extends Yt8mRecord> PCollection<ShardPlan> shuffle(ReadResult<T> read,
      PrepareOptions options, FeatureSpec features) {
    return read.records().apply("Shuffle", ShuffleIntoShards.<T>to(options.getOutputDir())
        .withFeatures(features).withNumShards(options.getNumShards())
        .withSeed(options.getSeed()));
  }

  private static String manifestPath(PrepareOptions options) {
    return FileSystems.matchNewResource(options.getOutputDir(), true)
        .resolve(PrepareManifest.FILE, StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /**
   * Fails when {@code --outputDir} holds prepared shards of another number of shards: a trainer
   * reading {@code prepared-*.tfrecord} there would read both preparations.
   */
  private static void requireNoOtherPreparation(PrepareOptions options) throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    String glob = FileSystems.matchNewResource(options.getOutputDir(), true)
        .resolve("prepared-*.tfrecord", StandardResolveOptions.RESOLVE_FILE).toString();
    MatchResult match = FileSystems.match(List.of(glob), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() != MatchResult.Status.OK) {
      return;
    }
    int numShards = options.getNumShards();
    Set<String> ours = IntStream.range(0, numShards)
        .mapToObj(shard -> ShuffleIntoShards.shardName(shard, numShards))
        .collect(Collectors.toSet());
    for (MatchResult.Metadata file : match.metadata()) {
      String name = file.resourceId().getFilename();
      if (!ours.contains(name)) {
        throw new IllegalArgumentException("--outputDir=" + options.getOutputDir()
            + " already holds " + name + " of a preparation into another number of shards: "
            + "give an empty directory, or remove those shards");
      }
    }
  }

  /** manifest.json from the plan of the shards written and the dead letters. */
  private static final class RenderFn extends DoFn<ShardPlan, String> {
    private static final long serialVersionUID = 1L;
    static final String DEAD_LETTERS = "deadLetters";
    private final String context;

    RenderFn(ObjectNode context) {
      this.context = context.toString();
    }

    @ProcessElement
    public void process(@Element ShardPlan plan,
        @SideInput(DEAD_LETTERS) DeadLetterStats deadLetters, OutputReceiver<String> out)
        throws IOException {
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      out.output(WriteFile.json(PrepareManifest.json(contextNode, plan, deadLetters)));
    }
  }
}
