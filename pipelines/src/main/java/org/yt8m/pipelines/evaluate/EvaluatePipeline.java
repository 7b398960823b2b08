package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.Readers;
import org.yt8m.transforms.eval.EvaluateSegments;
import org.yt8m.transforms.eval.EvaluateVideos;
import org.yt8m.transforms.eval.JoinLabels;
import org.yt8m.transforms.eval.KeyLabels;
import org.yt8m.transforms.eval.PredictionsCsv;
import org.yt8m.transforms.eval.RankedPredictions;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.WriteFile;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * {@code yt8m evaluate --predictions=FILE}: scores a predictions file (the inference CSV format)
 * against the labels of the shards, exactly as the starter code's eval.py computes Hit@1, PERR,
 * GAP and mAP, and writes metrics.json, per_class_ap.csv and report.html to {@code --outputDir}.
 */
public final class EvaluatePipeline {
  private EvaluatePipeline() {}

  public static void main(String[] args) throws IOException {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(EvaluateOptions.class),
        System.out);
  }

  /** What {@code yt8m evaluate} does: checks, runs to the end, prints eval.py's summary. */
  public static void execute(EvaluateOptions options, PrintStream out) throws IOException {
    validate(options);
    JobRunner.requireMatches(options, "evalDataPattern", options.getEvalDataPattern());
    JobRunner.requireMatches(options, "predictions", options.getPredictions());
    JobRunner.requireSharedPath(options, "outputDir", options.getOutputDir());
    JobRunner.awaitSuccess(run(options));
    String metricsPath = outputFile(options, EvaluationReport.METRICS_FILE);
    JsonNode metrics = new ObjectMapper().readTree(Channels.newInputStream(
        FileSystems.open(FileSystems.matchNewResource(metricsPath, false))));
    if (options.getSegmentLabels()) {
      out.println(EvaluationReport.segmentSummaryLine(metrics));
      out.println("wrote " + metricsPath + " and "
          + outputFile(options, EvaluationReport.PER_CLASS_FILE));
      return;
    }
    out.println(EvaluationReport.summaryLine(metrics));
    out.printf(Locale.ROOT, "videos without predictions: %d | unknown videos: %d | malformed "
            + "lines: %d%n", metrics.get("videos_without_predictions").asLong(),
        metrics.get("unknown_videos").asLong(), metrics.get("malformed_lines").asLong());
    out.println("wrote " + metricsPath + ", "
        + outputFile(options, EvaluationReport.PER_CLASS_FILE) + " and "
        + outputFile(options, EvaluationReport.REPORT_FILE));
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(EvaluateOptions options) {
    validate(options);
    if (options.getSegmentLabels()) {
      return runSegments(options);
    }
    Pipeline pipeline = Pipeline.create(options);
    ReadResult<KV<String, RankedPredictions>> predictions = pipeline.apply("ReadPredictions",
        PredictionsCsv.read(options.getPredictions()).withNumClasses(options.getNumClasses()));
    PCollection<KV<String, int[]>> labels;
    PCollection<DeadLetter> invalidRecords;
    if (options.getFrameFeatures()) {
      ReadResult<FrameRecord> shards = pipeline.apply("ReadShards",
          Readers.frames(options, options.getEvalDataPattern()));
      labels = shards.records().apply("KeyLabels", KeyLabels.create());
      invalidRecords = shards.deadLetters();
    } else {
      ReadResult<VideoRecord> shards = pipeline.apply("ReadShards",
          Readers.videos(options, options.getEvalDataPattern()));
      labels = shards.records().apply("KeyLabels", KeyLabels.create());
      invalidRecords = shards.deadLetters();
    }
    JoinLabels.Result joined = labels.apply("JoinPredictions",
        JoinLabels.with(predictions.records()));
    PCollection<EvaluationMetrics> metrics = joined.videos().apply("Evaluate",
        EvaluateVideos.withNumClasses(options.getNumClasses()).withTopK(options.getTopK())
            .withMapOverAllClasses(options.getMapOverAllClasses()));

    PCollectionView<Map<String, Long>> counts = countsView(PCollectionList.of(joined.counts()),
        PCollectionList.of(predictions.deadLetters()).and(joined.deadLetters())
            .apply("AllMalformedLines", Flatten.pCollections()), invalidRecords);
    ObjectNode context = EvaluationReport.context(options.getEvalDataPattern(),
        options.getPredictions(), options.getTopK(), options.getNumClasses(),
        options.getMapOverAllClasses(), Instant.now().toString());
    PCollectionTuple rendered = metrics.apply("Render", ParDo.of(new RenderFn(context))
        .withSideInput(RenderFn.COUNTS, counts)
        .withOutputTags(RenderFn.METRICS_JSON, TupleTagList.of(RenderFn.REPORT_HTML)));
    rendered.get(RenderFn.METRICS_JSON).setCoder(StringUtf8Coder.of())
        .apply("WriteMetrics", WriteFile.<String>to(outputFile(options,
            EvaluationReport.METRICS_FILE)).via(json -> json));
    rendered.get(RenderFn.REPORT_HTML).setCoder(StringUtf8Coder.of())
        .apply("WriteReport", WriteFile.<String>to(outputFile(options,
            EvaluationReport.REPORT_FILE)).via(html -> html));
    metrics.apply("WritePerClassAp", WriteFile.<EvaluationMetrics>to(outputFile(options,
        EvaluationReport.PER_CLASS_FILE)).via(m -> EvaluationReport.perClassCsv(m.perClass())));
    return pipeline.run();
  }

  /** The 2019 segment-level evaluation: a Class,Segments submission against rated segments. */
  private static PipelineResult runSegments(EvaluateOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    ReadResult<SegmentRatings> shards = pipeline.apply("ReadSegmentRatings",
        Yt8mIO.readSegmentRatings(options.getEvalDataPattern())
            .withNumClasses(options.getNumClasses()).withCompression(options.getCompression()));
    EvaluateSegments.Result result = shards.records().apply("EvaluateSegments",
        EvaluateSegments.against(options.getPredictions())
            .withNumClasses(options.getNumClasses()).withTopN(options.getTopN()));
    PCollectionView<Map<String, Long>> counts = countsView(
        PCollectionList.empty(pipeline), result.deadLetters(), shards.deadLetters());
    String context = EvaluationReport.segmentContext(options.getEvalDataPattern(),
        options.getPredictions(), Instant.now().toString()).toString();
    PCollection<SegmentMetrics> metrics = result.metrics();
    metrics
        .apply("RenderMetrics", ParDo.of(new RenderSegmentsFn(context))
            .withSideInput(RenderSegmentsFn.COUNTS, counts))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteMetrics", WriteFile.<String>to(outputFile(options,
            EvaluationReport.METRICS_FILE)).via(json -> json));
    metrics.apply("WritePerClassAp", WriteFile.<SegmentMetrics>to(outputFile(options,
        EvaluationReport.PER_CLASS_FILE)).via(m -> EvaluationReport.perClassCsv(m.perClass())));
    return pipeline.run();
  }

  private static final class RenderSegmentsFn extends DoFn<SegmentMetrics, String> {
    private static final long serialVersionUID = 1L;
    static final String COUNTS = "counts";
    private final String context;

    RenderSegmentsFn(String context) {
      this.context = context;
    }

    @ProcessElement
    public void process(@Element SegmentMetrics metrics,
        @SideInput(COUNTS) Map<String, Long> counts, OutputReceiver<String> out)
        throws IOException {
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      out.output(WriteFile.json(EvaluationReport.segmentMetricsJson(metrics, contextNode,
          counts)));
    }
  }

  private static void validate(EvaluateOptions options) {
    if (options.getTrainDir() != null) {
      throw new IllegalArgumentException("--trainDir: evaluating a model needs the SavedModel "
          + "export of the training command, which is not built yet; score the model's "
          + "predictions file with --predictions instead");
    }
    if (options.getPredictions() == null) {
      throw new IllegalArgumentException("give --predictions=FILE (the inference CSV to score)");
    }
    if (options.getOutputDir() == null) {
      throw new IllegalArgumentException("give --outputDir for metrics.json and "
          + "per_class_ap.csv");
    }
    if (options.getTopN() < 0) {
      throw new IllegalArgumentException("--topN must not be negative (0 keeps every segment), "
          + "got " + options.getTopN());
    }
    if (options.getTopK() <= 0) {
      throw new IllegalArgumentException("--topK must be positive, got " + options.getTopK());
    }
  }

  private static String outputFile(EvaluateOptions options, String name) {
    return FileSystems.matchNewResource(options.getOutputDir(), true)
        .resolve(name, StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /**
   * The counts metrics.json reports, by name: {@code counts}, plus the malformed input lines
   * and the invalid shard records.
   */
  private static PCollectionView<Map<String, Long>> countsView(
      PCollectionList<KV<String, Long>> counts, PCollection<DeadLetter> malformedLines,
      PCollection<DeadLetter> invalidRecords) {
    return counts
        .and(countAs("CountMalformedLines", "malformed_lines", malformedLines))
        .and(countAs("CountInvalidRecords", "invalid_records", invalidRecords))
        .apply("AllCounts", Flatten.pCollections())
        .apply("SumCounts", Sum.longsPerKey())
        .apply("CountsView", View.asMap());
  }

  private static PCollection<KV<String, Long>> countAs(String step, String name,
      PCollection<DeadLetter> letters) {
    return letters.apply(step, MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(),
            TypeDescriptors.longs())).via(letter -> KV.of(name, 1L)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /** metrics.json and report.html from the metrics, the context and the counts. */
  private static final class RenderFn extends DoFn<EvaluationMetrics, String> {
    private static final long serialVersionUID = 1L;
    static final String COUNTS = "counts";
    static final TupleTag<String> METRICS_JSON = new TupleTag<>("metricsJson");
    static final TupleTag<String> REPORT_HTML = new TupleTag<>("reportHtml");
    private final String context;

    RenderFn(ObjectNode context) {
      this.context = context.toString();
    }

    @ProcessElement
    public void process(@Element EvaluationMetrics metrics,
        @SideInput(COUNTS) Map<String, Long> counts, MultiOutputReceiver out)
        throws IOException {
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      ObjectNode json = EvaluationReport.metricsJson(metrics, contextNode, counts);
      out.get(METRICS_JSON).output(WriteFile.json(json));
      out.get(REPORT_HTML).output(EvaluationHtml.render(metrics, json));
    }
  }
}
