package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.TrainDir;
import org.yt8m.pipelines.ClassNames;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.ModelArchive;
import org.yt8m.pipelines.ModelReaders;
import org.yt8m.pipelines.Readers;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.eval.EvaluateSegments;
import org.yt8m.transforms.eval.EvaluateVideos;
import org.yt8m.transforms.eval.JoinAndEvaluate;
import org.yt8m.transforms.eval.KeyLabels;
import org.yt8m.transforms.eval.PredictionsCsv;
import org.yt8m.transforms.eval.RankedPredictions;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.eval.VideoPredictionsCoder;
import org.yt8m.transforms.infer.EvaluatedVideo;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.infer.ScoreVideos;
import org.yt8m.transforms.inspect.DeadLetterStats;
import org.yt8m.transforms.inspect.DeadLetterStatsCoder;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.FileSystemsTrainDir;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.io.WriteFile;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * {@code yt8m evaluate}: Hit@1, PERR, GAP and mAP exactly as the starter code's eval.py
 * computes them, of a model ({@code --trainDir}: its export scores every labelled video, and
 * the mean label loss comes from the exported graph) or of a predictions file
 * ({@code --predictions}, the inference CSV format, joined with the shards' labels). Writes
 * metrics.json, per_class_ap.csv and report.html to {@code --outputDir} (for a model, by
 * default {@code trainDir/eval/step_N}, and then also a line of
 * {@code trainDir/eval/history.jsonl} and a point of the eval TensorBoard log).
 */
public final class EvaluatePipeline {
  /**
   * With {@code --predictions} on the DirectRunner, the predictions file is parsed in ranges of
   * 64 MiB and the shards read in groups ({@link Readers#smallOutputShardGroups}): the runner
   * copies a grouping key's values, each through its coder, every time another bundle adds to
   * the key, so the join's grouping must receive a few large bundles, not one per shard and per
   * 4 MiB of predictions (at a million videos in 625 shards those copies were all the
   * evaluation did). Other runners read a bundle per shard and per 4 MiB range.
   */
  private static final long LOCAL_RANGE_BYTES = 64L << 20;

  private EvaluatePipeline() {}

  public static void main(String[] args) throws IOException {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(EvaluateOptions.class),
        System.out);
  }

  /** What {@code yt8m evaluate} does: checks, runs to the end, prints eval.py's summary. */
  public static void execute(EvaluateOptions options, PrintStream out) throws IOException {
    ModelArchive.unpackInput(options, options.getTrainDir() != null ? "trainDir"
        : options.getPredictions() != null ? "predictions" : null)
        .ifPresent(options::setTrainDir);
    validate(options);
    JobRunner.requireMatches(options, "evalDataPattern", options.getEvalDataPattern());
    if (options.getTrainDir() != null) {
      if (options.getOnlyNew() && options.getOutputDir() != null) {
        throw new IllegalArgumentException("--onlyNew keeps each export's results in "
            + "trainDir/eval/step_N: leave --outputDir out");
      }
      if (options.getOnlyNew()) {
        EvaluationHistory.settleAll(FileSystemsTrainDir.of(options.getTrainDir()));
      }
      Optional<ModelVersion> version = chooseModel(options);
      if (version.isEmpty()) {
        out.println("nothing to evaluate: every export of the current run in "
            + options.getTrainDir() + " has been evaluated (" + EvaluationHistory.HISTORY_FILE
            + ")");
        if (JobRunner.launchesTemplate(options)) {
          JobRunner.awaitUnlessTemplate(options, nothingToDo(options));
        }
        return;
      }
      if (options.getOutputDir() == null) {
        options.setOutputDir(trainDirPath(options, version.get().evalDirectory()));
      }
      JobRunner.requireSharedPath(options, "outputDir", options.getOutputDir());
      out.println("evaluating " + options.getTrainDir() + "/"
          + version.get().exportDirectory());
      if (!JobRunner.awaitUnlessTemplate(options, runModel(options, version.get()))) {
        return;
      }
    } else {
      JobRunner.requireMatches(options, "predictions", options.getPredictions());
      JobRunner.requireSharedPath(options, "outputDir", options.getOutputDir());
      if (!JobRunner.awaitUnlessTemplate(options, run(options))) {
        return;
      }
    }
    String metricsPath = outputFile(options, EvaluationReport.METRICS_FILE);
    JsonNode metrics = new ObjectMapper().readTree(Channels.newInputStream(
        FileSystems.open(FileSystems.matchNewResource(metricsPath, false))));
    if (options.getSegmentLabels()) {
      out.println(EvaluationReport.segmentSummaryLine(metrics));
      printMalformedExamples(metrics, out);
      out.println("wrote " + metricsPath + " and "
          + outputFile(options, EvaluationReport.PER_CLASS_FILE));
      return;
    }
    out.println(EvaluationReport.summaryLine(metrics));
    if (options.getTrainDir() != null) {
      out.printf(Locale.ROOT, "unlabelled videos left out: %d | invalid records: %d%n",
          metrics.get("unlabelled_videos").asLong(), metrics.get("invalid_records").asLong());
    } else {
      out.printf(Locale.ROOT, "videos without predictions: %d | unknown videos: %d | malformed "
              + "lines: %d | duplicate lines: %d%n",
          metrics.get("videos_without_predictions").asLong(),
          metrics.get("unknown_videos").asLong(), metrics.get("malformed_lines").asLong(),
          metrics.get("duplicate_prediction_lines").asLong());
      printMalformedExamples(metrics, out);
    }
    out.println("wrote " + metricsPath + ", "
        + outputFile(options, EvaluationReport.PER_CLASS_FILE) + " and "
        + outputFile(options, EvaluationReport.REPORT_FILE));
  }

  /** The first malformed lines of metrics.json, if any, one per line. */
  private static void printMalformedExamples(JsonNode metrics, PrintStream out) {
    List<String> examples = EvaluationReport.malformedExamples(metrics);
    if (!examples.isEmpty()) {
      out.println("first malformed lines:");
      examples.forEach(example -> out.println("  " + example));
    }
  }

  /**
   * The export to evaluate: the latest, or with {@code --onlyNew} the newest of the current
   * run whose evaluation has not committed (empty when there is none).
   */
  private static Optional<ModelVersion> chooseModel(EvaluateOptions options)
      throws IOException {
    TrainDir dir = FileSystemsTrainDir.of(options.getTrainDir());
    EvaluationHistory.deleteInterruptedWrites(dir);
    return options.getOnlyNew() ? ModelVersion.newestUnevaluated(dir)
        : Optional.of(ModelVersion.latest(dir));
  }

  /**
   * A job that does nothing, for a template launch with nothing to evaluate: a flex launch
   * whose program submits no job is reported as failed.
   */
  private static PipelineResult nothingToDo(EvaluateOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("NothingToEvaluate", Create.of("every export has metrics"));
    return pipeline.run();
  }

  /**
   * Evaluates the export {@code version} of {@code --trainDir}: every labelled video of the
   * shards (read with the export's features, frame mode and classes) scored by the model.
   */
  static PipelineResult runModel(EvaluateOptions options, ModelVersion version)
      throws IOException {
    validate(options);
    ModelLocation model = ModelLocation.export(trainDirPath(options, version.exportDirectory()));
    JobPaths.of(options).input("evalDataPattern", options.getEvalDataPattern())
        .input("trainDir", model.exportDir() + "/**")
        .outputDirectory("outputDir", options.getOutputDir()).check();
    ModelFlags flags = model.flags();
    ModelReaders.requireConsistent(options, flags, model, "evaluate");
    if (options.getSegmentLabels()) {
      return SegmentModelEvaluation.run(options, version, model);
    }
    Pipeline pipeline = Pipeline.create(options);
    String pattern = options.getEvalDataPattern();
    ShardOutput<Yt8mRecord, EvaluatedVideo> score = ScoreVideos.with(model)
        .withBatchSize(options.getBatchSize()).withTopK(options.getTopK())
        .inReadForEvaluation();
    int groups = Readers.smallOutputShardGroups(options);
    evaluate(options, version, model, flags.frameFeatures()
        ? pipeline.apply("ReadAndScore", ModelReaders.frames(options, pattern, flags)
            .withShardGroups(groups).through(score))
        : pipeline.apply("ReadAndScore", ModelReaders.videos(options, pattern, flags)
            .withShardGroups(groups).through(score)));
    return pipeline.run();
  }

  /** The model-mode steps after the read and scoring. */
  private static void evaluate(EvaluateOptions options, ModelVersion version,
      ModelLocation model, ReadResult<EvaluatedVideo> shards) {
    ModelFlags flags = model.flags();
    PCollectionList<EvaluatedVideo> byLabels = shards.records().apply("SplitUnlabelled",
        Partition.of(2, (video, n) -> video.labelled() ? 0 : 1));
    PCollection<EvaluationMetrics> metrics = byLabels.get(0)
        .apply("Predictions", MapElements.into(TypeDescriptor.of(VideoPredictions.class))
            .via(EvaluatedVideo::predictions))
        .setCoder(VideoPredictionsCoder.of())
        .apply("Evaluate", EvaluateVideos.withNumClasses(flags.numClasses())
            .withTopK(options.getTopK()).withMapOverAllClasses(options.getMapOverAllClasses()));
    PCollectionView<Double> lossSum = byLabels.get(0)
        .apply("Losses", MapElements.into(TypeDescriptors.doubles())
            .via(video -> (double) video.loss()))
        .apply("SumLoss", Sum.doublesGlobally())
        .apply("LossView", View.asSingleton());
    PCollection<KV<String, Long>> unlabelled = byLabels.get(1)
        .apply("CountUnlabelled", Count.globally())
        .apply("AsCount", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(),
            TypeDescriptors.longs())).via(n -> KV.of("unlabelled_videos", n)));
    PCollectionView<Map<String, Long>> counts = countsView(PCollectionList.of(unlabelled),
        shards.deadLetters().getPipeline().apply("NoMalformedLines",
            Create.empty(DeadLetterCoder.of())),
        shards.deadLetters());
    ObjectNode context = EvaluationReport.modelContext(options.getEvalDataPattern(),
        options.getTrainDir(), version, flags.model(), options.getTopK(), flags.numClasses(),
        options.getMapOverAllClasses(), Instant.now().toString());
    writeOutputs(options, flags.numClasses(), metrics, new RenderFn(context,
        EvaluationReport.MODEL_MODE_COUNTS, counts, lossSum, null))
        .apply("RecordHistory", ParDo.of(new RecordHistoryFn(options.getTrainDir(), version)));
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(EvaluateOptions options) {
    validate(options);
    JobPaths.of(options).input("evalDataPattern", options.getEvalDataPattern())
        .input("predictions", options.getPredictions())
        .outputDirectory("outputDir", options.getOutputDir()).check();
    if (options.getSegmentLabels()) {
      return runSegments(options);
    }
    Pipeline pipeline = Pipeline.create(options);
    // See LOCAL_RANGE_BYTES: on the DirectRunner the join's inputs come in a few bundles.
    PredictionsCsv.Read readPredictions = PredictionsCsv.read(options.getPredictions())
        .withNumClasses(options.getNumClasses());
    ReadResult<KV<String, RankedPredictions>> predictions = pipeline.apply("ReadPredictions",
        JobRunner.isLocal(options) ? readPredictions.withRangeBytes(LOCAL_RANGE_BYTES)
            : readPredictions);
    int shardGroups = Readers.smallOutputShardGroups(options);
    ReadResult<KV<String, int[]>> shards = pipeline.apply("ReadLabels",
        options.getFrameFeatures()
            ? KeyLabels.of(Readers.frames(options, options.getEvalDataPattern())
                .withShardGroups(shardGroups))
            : KeyLabels.of(Readers.videos(options, options.getEvalDataPattern())
                .withShardGroups(shardGroups)));
    PCollection<KV<String, int[]>> labels = shards.records();
    PCollection<DeadLetter> invalidRecords = shards.deadLetters();
    JoinAndEvaluate.Result joined = labels.apply("JoinAndEvaluate", JoinAndEvaluate.of(
        predictions.records(), EvaluateVideos.withNumClasses(options.getNumClasses())
            .withTopK(options.getTopK())
            .withMapOverAllClasses(options.getMapOverAllClasses()))
            .withGroups(options.getJoinGroups()));
    PCollection<EvaluationMetrics> metrics = joined.metrics();

    PCollectionView<Map<String, Long>> counts = countsView(PCollectionList.of(joined.counts()),
        predictions.deadLetters(), invalidRecords);
    ObjectNode context = EvaluationReport.context(options.getEvalDataPattern(),
        options.getPredictions(), options.getTopK(), options.getNumClasses(),
        options.getMapOverAllClasses(), Instant.now().toString());
    writeOutputs(options, options.getNumClasses(), metrics, new RenderFn(context,
        EvaluationReport.FILE_MODE_COUNTS, counts, null,
        malformedView(predictions.deadLetters())));
    return pipeline.run();
  }

  /**
   * Renders metrics.json and report.html with {@code render} and writes them and
   * per_class_ap.csv to {@code --outputDir}, naming the {@code numClasses} classes by
   * {@code --vocabulary} when given; returns metrics.json's text once all three are written,
   * for the history's line, an evaluation's commit, to come last.
   */
  private static PCollection<String> writeOutputs(EvaluateOptions options, int numClasses,
      PCollection<EvaluationMetrics> metrics, RenderFn render) {
    Vocabulary vocabulary = ClassNames.read(options, numClasses, "the evaluation");
    PCollectionTuple rendered = metrics.apply("Render", ParDo.of(render.withVocabulary(
        vocabulary))
        .withSideInputs(render.sideInputs())
        .withOutputTags(RenderFn.METRICS_JSON, TupleTagList.of(RenderFn.REPORT_HTML)));
    PCollection<String> metricsJson = rendered.get(RenderFn.METRICS_JSON)
        .setCoder(StringUtf8Coder.of());
    PCollection<String> committed = EvaluationFiles.write(options.getOutputDir(), Map.of(
        EvaluationReport.METRICS_FILE, metricsJson,
        EvaluationReport.REPORT_FILE, rendered.get(RenderFn.REPORT_HTML)
            .setCoder(StringUtf8Coder.of()),
        EvaluationReport.PER_CLASS_FILE, metrics.apply("RenderPerClassAp",
            MapElements.into(TypeDescriptors.strings())
                .via(m -> EvaluationReport.perClassCsv(m.perClass(), vocabulary)))));
    return metricsJson.apply("OnceWritten", Wait.on(committed));
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
    writeSegmentOutputs(options, result, shards.deadLetters(), EvaluationReport.segmentContext(
        options.getEvalDataPattern(), options.getPredictions(), Instant.now().toString()));
    return pipeline.run();
  }

  /**
   * Writes a segment evaluation's metrics.json (with {@code context}) and per_class_ap.csv to
   * {@code --outputDir}; returns metrics.json's text once both are written.
   */
  static PCollection<String> writeSegmentOutputs(EvaluateOptions options,
      EvaluateSegments.Result result, PCollection<DeadLetter> invalidRecords,
      ObjectNode contextNode) {
    PCollectionView<Map<String, Long>> counts = countsView(
        PCollectionList.empty(invalidRecords.getPipeline()), result.deadLetters(),
        invalidRecords);
    String context = contextNode.toString();
    PCollection<SegmentMetrics> metrics = result.metrics();
    PCollection<String> metricsJson = metrics
        .apply("RenderMetrics", ParDo.of(new RenderSegmentsFn(context))
            .withSideInput(RenderSegmentsFn.COUNTS, counts)
            .withSideInput(RenderSegmentsFn.MALFORMED, malformedView(result.deadLetters())))
        .setCoder(StringUtf8Coder.of());
    PCollection<String> committed = EvaluationFiles.write(options.getOutputDir(), Map.of(
        EvaluationReport.METRICS_FILE, metricsJson,
        EvaluationReport.PER_CLASS_FILE, metrics.apply("RenderPerClassAp",
            MapElements.into(TypeDescriptors.strings())
                .via(m -> EvaluationReport.perClassCsv(m.perClass())))));
    return metricsJson.apply("OnceWritten", Wait.on(committed));
  }

  private static final class RenderSegmentsFn extends DoFn<SegmentMetrics, String> {
    private static final long serialVersionUID = 1L;
    static final String COUNTS = "counts";
    static final String MALFORMED = "malformed";
    private final String context;

    RenderSegmentsFn(String context) {
      this.context = context;
    }

    @ProcessElement
    public void process(@Element SegmentMetrics metrics,
        @SideInput(COUNTS) Map<String, Long> counts,
        @SideInput(MALFORMED) DeadLetterStats malformed, OutputReceiver<String> out)
        throws IOException {
      if (metrics.numClasses() == 0) {
        throw new IllegalStateException(EvaluationReport.nothingSubmitted(malformed));
      }
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      out.output(WriteFile.json(EvaluationReport.segmentMetricsJson(metrics, contextNode,
          counts, malformed)));
    }
  }

  private static void validate(EvaluateOptions options) {
    if ((options.getTrainDir() == null) == (options.getPredictions() == null)) {
      throw new IllegalArgumentException("give either --trainDir (a model to evaluate) or "
          + "--predictions=FILE (an inference CSV to score)");
    }
    if (options.getTrainDir() != null && options.getSegmentLabels() && options.getTopN() == 0) {
      throw new IllegalArgumentException("--topN=0 keeps every segment of a submission file; a "
          + "model's segment evaluation ranks them itself: give a number (100000, the "
          + "challenge's)");
    }
    if (options.getOnlyNew() && options.getTrainDir() == null) {
      throw new IllegalArgumentException("--onlyNew picks an export of --trainDir: give "
          + "--trainDir");
    }
    if (options.getPredictions() != null && options.getOutputDir() == null) {
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
    if (options.getSegmentLabels() && options.getVocabulary() != null) {
      throw new IllegalArgumentException("--vocabulary names the classes of report.html and "
          + "per_class_ap.csv, which a segment evaluation (--segmentLabels) does not write");
    }
    if (options.getBatchSize() <= 0) {
      throw new IllegalArgumentException("--batchSize must be positive, got "
          + options.getBatchSize());
    }
    if (options.getJoinGroups() <= 0) {
      throw new IllegalArgumentException("--joinGroups must be positive, got "
          + options.getJoinGroups());
    }
  }

  /** {@code relative} inside {@code --trainDir}. */
  static String trainDirPath(EvaluateOptions options, String relative) {
    String root = options.getTrainDir();
    return (root.endsWith("/") ? root : root + "/") + relative;
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

  /** The malformed lines' counts by reason and first examples, as one side input. */
  private static PCollectionView<DeadLetterStats> malformedView(
      PCollection<DeadLetter> malformedLines) {
    return malformedLines.apply("SummarizeMalformedLines", Combine.globally(
        AccumulatorFn.of(DeadLetterStats::new, DeadLetterStatsCoder.of())).asSingletonView());
  }

  private static PCollection<KV<String, Long>> countAs(String step, String name,
      PCollection<DeadLetter> letters) {
    return letters.apply(step, MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(),
            TypeDescriptors.longs())).via(letter -> KV.of(name, 1L)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /**
   * metrics.json and report.html from the metrics, the context, the counts and, for a model,
   * the summed loss (its mean is over the videos evaluated).
   */
  private static final class RenderFn extends DoFn<EvaluationMetrics, String> {
    private static final long serialVersionUID = 1L;
    static final TupleTag<String> METRICS_JSON = new TupleTag<>("metricsJson");
    static final TupleTag<String> REPORT_HTML = new TupleTag<>("reportHtml");
    private final String context;
    private final String[] countNames;
    private final PCollectionView<Map<String, Long>> counts;
    private final @Nullable PCollectionView<Double> lossSum;
    private final @Nullable PCollectionView<DeadLetterStats> malformed;
    private final @Nullable Vocabulary vocabulary;

    /**
     * @param lossSum the summed loss (model mode), or null
     * @param malformed the predictions file's malformed lines (file mode), or null
     */
    RenderFn(ObjectNode context, String[] countNames, PCollectionView<Map<String, Long>> counts,
        @Nullable PCollectionView<Double> lossSum,
        @Nullable PCollectionView<DeadLetterStats> malformed) {
      this(context.toString(), countNames.clone(), counts, lossSum, malformed, null);
    }

    private RenderFn(String context, String[] countNames,
        PCollectionView<Map<String, Long>> counts, @Nullable PCollectionView<Double> lossSum,
        @Nullable PCollectionView<DeadLetterStats> malformed, @Nullable Vocabulary vocabulary) {
      this.context = context;
      this.countNames = countNames;
      this.counts = counts;
      this.lossSum = lossSum;
      this.malformed = malformed;
      this.vocabulary = vocabulary;
    }

    /** This rendering, with the classes named by {@code vocabulary} (null: by index). */
    RenderFn withVocabulary(@Nullable Vocabulary vocabulary) {
      return new RenderFn(context, countNames, counts, lossSum, malformed, vocabulary);
    }

    List<PCollectionView<?>> sideInputs() {
      List<PCollectionView<?>> views = new ArrayList<>(List.of(counts));
      Stream.of(lossSum, malformed).filter(Objects::nonNull).forEach(views::add);
      return views;
    }

    /**
     * Renders the outputs; fails, saying why, when nothing was evaluated (no labelled video,
     * or no predictions line for one): such a run is no evaluation.
     */
    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      EvaluationMetrics metrics = c.element();
      Map<String, Long> countsByName = c.sideInput(counts);
      DeadLetterStats malformedLines = malformed == null ? null : c.sideInput(malformed);
      if (metrics.examples() - countsByName.getOrDefault("videos_without_predictions", 0L)
          <= 0) {
        throw new IllegalStateException(EvaluationReport.nothingEvaluated(metrics.examples(),
            countsByName, malformedLines));
      }
      Double loss = lossSum == null ? null : c.sideInput(lossSum) / metrics.examples();
      ObjectNode contextNode = (ObjectNode) new ObjectMapper().readTree(context);
      ObjectNode json = EvaluationReport.metricsJson(metrics, loss, contextNode,
          countsByName, countNames);
      if (malformedLines != null) {
        EvaluationReport.putMalformed(json, malformedLines);
      }
      c.output(METRICS_JSON, WriteFile.json(json));
      c.output(REPORT_HTML, EvaluationHtml.render(metrics, json, vocabulary));
    }
  }

  /** Adds the evaluation to the training directory's history and eval TensorBoard log. */
  static final class RecordHistoryFn extends DoFn<String, Void> {
    private static final long serialVersionUID = 1L;
    private final String trainDir;
    private final ModelVersion version;

    RecordHistoryFn(String trainDir, ModelVersion version) {
      this.trainDir = trainDir;
      this.version = version;
    }

    @ProcessElement
    public void process(@Element String metricsJson) throws IOException {
      EvaluationHistory.record(FileSystemsTrainDir.of(trainDir), version, metricsJson);
    }
  }
}
