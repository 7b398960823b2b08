package org.yt8m.pipelines.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.Readers;
import org.yt8m.transforms.inspect.ShardSummary;
import org.yt8m.transforms.inspect.SummarizeShards;
import org.yt8m.transforms.io.WriteFile;

/**
 * {@code yt8m inspect}: reads shards, validates every record, and writes a JSON report of what
 * they hold (records, labels, classes, frames, invalid records by reason with examples).
 */
public final class InspectPipeline {
  private InspectPipeline() {}

  public static void main(String[] args) throws IOException {
    InspectOptions options = PipelineOptionsFactory.fromArgs(args).withValidation()
        .as(InspectOptions.class);
    execute(options, System.out);
  }

  /**
   * What {@code yt8m inspect} does: checks the pattern matches, runs the pipeline to the end,
   * and prints the report (written to {@code --output}; without it, to a temporary file that is
   * removed once printed, whether the job succeeded or not).
   */
  public static void execute(InspectOptions options, PrintStream out) throws IOException {
    JobRunner.requireMatches(options, "inputPattern", options.getInputPattern());
    boolean temporary = options.getOutput() == null;
    if (temporary) {
      options.setOutput(temporaryReportPath(options));
    }
    ResourceId output = FileSystems.matchNewResource(options.getOutput(), false);
    try {
      JobRunner.requireSharedPath(options, "output", options.getOutput());
      JobRunner.awaitSuccess(options, run(options));
      JsonNode report = new ObjectMapper().readTree(Channels.newInputStream(
          FileSystems.open(output)));
      out.print(InspectReport.toText(report));
      if (!temporary) {
        out.println("  report:    " + options.getOutput());
      }
    } finally {
      if (temporary) {
        FileSystems.delete(List.of(output), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        options.setOutput(null);
      }
    }
  }

  /** A fresh name for the report under --tempLocation or the system's temp folder. */
  private static String temporaryReportPath(InspectOptions options) {
    if (!JobRunner.isLocal(options) && options.getTempLocation() == null) {
      throw new IllegalArgumentException("give --output=gs://... (or --tempLocation) for the "
          + "report: workers cannot write it to this machine");
    }
    String folder = options.getTempLocation() != null ? options.getTempLocation()
        : System.getProperty("java.io.tmpdir");
    return FileSystems.matchNewResource(folder, true).resolve("yt8m-inspect-"
        + UUID.randomUUID() + ".json", StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** Builds and starts the pipeline; the report lands at {@code --output}, which must be set. */
  public static PipelineResult run(InspectOptions options) {
    JobPaths.of(options).input("inputPattern", options.getInputPattern())
        .outputFile("output", options.getOutput()).check();
    FeatureSpec features = Readers.features(options);
    boolean frameLevel = options.getFrameFeatures();
    String pattern = options.getInputPattern();
    Pipeline pipeline = Pipeline.create(options);
    int shardGroups = Readers.smallOutputShardGroups(options);
    PCollection<ShardSummary> summary = pipeline.apply("Summarize", frameLevel
        ? SummarizeShards.of(Readers.frames(options, pattern).withShardGroups(shardGroups))
        : SummarizeShards.of(Readers.videos(options, pattern).withShardGroups(shardGroups)));
    ObjectNode context = InspectReport.context(pattern, features, frameLevel,
        options.getNumClasses(), options.getMaxFrames());
    summary.apply("WriteReport", WriteFile.<ShardSummary>to(options.getOutput())
        .via(report -> WriteFile.json(InspectReport.json(context, report, frameLevel))));
    return pipeline.run();
  }

}
