package org.yt8m.pipelines.infer;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.KV;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.pipelines.ClassNames;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.ModelArchive;
import org.yt8m.pipelines.ModelReaders;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.infer.ClassIdsFile;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.infer.ScoreVideos;
import org.yt8m.transforms.infer.SplitSegments;
import org.yt8m.transforms.infer.WritePredictionsCsv;
import org.yt8m.transforms.infer.WriteSegmentsCsv;
import org.yt8m.transforms.io.LogDeadLetters;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * {@code yt8m infer}: scores shards with an exported model and writes the predictions CSV of
 * the starter's inference.py, or with {@code --segmentLabels} the 2019 {@code Class,Segments}
 * submission. Features, frame mode and classes come from the model's {@code model_flags.json}.
 * Labels are not used: a video with labels the model does not know is scored, and counted. A
 * job that scores nothing fails.
 */
public final class InferPipeline {
  private InferPipeline() {}

  public static void main(String[] args) throws IOException {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(InferOptions.class),
        System.out);
  }

  /** What {@code yt8m infer} does: checks, runs to the end, prints what it scored and wrote. */
  public static void execute(InferOptions options, PrintStream out) throws IOException {
    ModelArchive.unpackInput(options, options.getTrainDir() != null ? "trainDir"
        : options.getModelDir() != null ? "modelDir" : null).ifPresent(options::setTrainDir);
    Job job = prepare(options);
    JobRunner.requireMatches(options, "inputDataPattern", options.getInputDataPattern());
    JobRunner.requireSharedPath(options, "outputFile", options.getOutputFile());
    if (options.getModelDir() != null) {
      JobRunner.requireSharedPath(options, "modelDir", options.getModelDir());
    } else {
      JobRunner.requireSharedPath(options, "trainDir", options.getTrainDir());
    }
    PipelineResult result = run(options, job);
    if (JobRunner.awaitUnlessTemplate(options, result)) {
      InferSummary.print(result, options, job.model(), out);
      if (options.getVocabulary() != null) {
        out.println("class names: " + WritePredictionsCsv.namedPath(options.getOutputFile())
            + (options.getNumShards() > 0 ? " (in " + options.getNumShards() + " files)" : ""));
      }
      if (options.getOutputModelTgz() != null) {
        ModelArchive.write(job.model(), options.getOutputModelTgz());
        out.println("packaged the model as " + options.getOutputModelTgz());
      }
    }
  }

  /** Builds and starts the pipeline. */
  public static PipelineResult run(InferOptions options) throws IOException {
    return run(options, prepare(options));
  }

  /** The model and the segment classes, resolved and checked against the flags. */
  private record Job(ModelLocation model, int[] segmentClasses) {}

  private static PipelineResult run(InferOptions options, Job job) {
    JobPaths.of(options).input("inputDataPattern", options.getInputDataPattern())
        .input("segmentLabelIdsFile", options.getSegmentLabelIdsFile())
        .input(options.getModelDir() != null ? "modelDir" : "trainDir",
            job.model().exportDir() + "/**")
        .outputFile("outputModelTgz", options.getOutputModelTgz())
        .input("vocabulary", options.getVocabulary())
        .outputFiles("outputFile", shardNames(options, options.getOutputFile()))
        .outputFiles("outputFile", options.getVocabulary() == null ? List.of()
            : shardNames(options, WritePredictionsCsv.namedPath(options.getOutputFile())))
        .check();
    ModelFlags flags = job.model().flags();
    Vocabulary vocabulary = ClassNames.read(options, flags.numClasses(),
        "the model " + job.model());
    String pattern = options.getInputDataPattern();
    Pipeline pipeline = Pipeline.create(options);
    ScoreVideos score = ScoreVideos.with(job.model()).withBatchSize(options.getBatchSize())
        .withTopK(options.getTopK());
    if (options.getSegmentLabels()) {
      ScoreVideos segmentScore = job.segmentClasses() == null ? score
          : score.amongClasses(job.segmentClasses());
      ReadResult<VideoPredictions> segments = pipeline.apply("ReadAndScoreSegments",
          ModelReaders.frames(options, pattern, flags).withUnknownLabelsIgnored()
              .through(SplitSegments.create().inRead().then(segmentScore.inRead())));
      segments.deadLetters().apply("LogDeadLetters", LogDeadLetters.create());
      segments.records()
          .apply("WriteSegments", WriteSegmentsCsv.to(options.getOutputFile())
              .withMaxPerClass(options.getSegmentMaxPred())
              .withNumShards(options.getNumShards()));
    } else {
      WritePredictionsCsv write = WritePredictionsCsv.to(options.getOutputFile())
          .withNumShards(options.getNumShards()).withClassNames(vocabulary);
      if (vocabulary == null) {
        ShardOutput<Yt8mRecord, KV<Integer, @Nullable String>> scoreAndSort =
            score.inRead().then(write.runsInRead());
        ReadResult<KV<Integer, @Nullable String>> runs = flags.frameFeatures()
            ? pipeline.apply("ReadScoreAndSortFrames", ModelReaders.frames(options, pattern,
                flags).withUnknownLabelsIgnored().through(scoreAndSort))
            : pipeline.apply("ReadScoreAndSortVideos", ModelReaders.videos(options, pattern,
                flags).withUnknownLabelsIgnored().through(scoreAndSort));
        runs.deadLetters().apply("LogDeadLetters", LogDeadLetters.create());
        runs.records().apply("WritePredictions", write.fromRuns());
      } else {
        // Two files from the same predictions: scored in the read, written from elements.
        ReadResult<VideoPredictions> scored = flags.frameFeatures()
            ? pipeline.apply("ReadAndScoreFrames", ModelReaders.frames(options, pattern, flags)
                .withUnknownLabelsIgnored().through(score.inRead()))
            : pipeline.apply("ReadAndScoreVideos", ModelReaders.videos(options, pattern, flags)
                .withUnknownLabelsIgnored().through(score.inRead()));
        scored.deadLetters().apply("LogDeadLetters", LogDeadLetters.create());
        scored.records().apply("WritePredictions", write);
      }
    }
    return pipeline.run();
  }

  /** The files {@code path} is written as, given --numShards. */
  private static List<String> shardNames(InferOptions options, String path) {
    return IntStream.range(0, Math.max(1, options.getNumShards()))
        .mapToObj(shard -> WriteSortedLines.fileName(path, shard, options.getNumShards()))
        .toList();
  }

  /** Resolves the model and the segment classes and checks every flag against them. */
  private static Job prepare(InferOptions options) throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    checkOwnFlags(options);
    ModelLocation model = options.getModelDir() != null
        ? ModelLocation.export(options.getModelDir())
        : ModelLocation.latestIn(options.getTrainDir());
    ModelFlags flags = model.flags();
    ModelReaders.requireConsistent(options, flags, model, "infer");
    int[] segmentClasses = options.getSegmentLabelIdsFile() == null ? null
        : ClassIdsFile.read(options.getSegmentLabelIdsFile(), flags.numClasses());
    int scored = segmentClasses == null ? flags.numClasses() : segmentClasses.length;
    if (options.getTopK() > scored) {
      throw new IllegalArgumentException("--topK=" + options.getTopK() + " is more than the "
          + scored + (segmentClasses == null ? " classes of the model " + model
              : " classes of --segmentLabelIdsFile=" + options.getSegmentLabelIdsFile()));
    }
    if (options.getSegmentLabels() && !flags.frameFeatures()) {
      throw new IllegalArgumentException("--segmentLabels scores 5-frame segments of "
          + "frame-level shards, but " + flags.model() + " (" + model + ") is a video-level "
          + "model");
    }
    return new Job(model, segmentClasses);
  }

  private static void checkOwnFlags(InferOptions options) {
    if ((options.getTrainDir() == null) == (options.getModelDir() == null)) {
      throw new IllegalArgumentException(options.getTrainDir() == null
          ? "give --trainDir (its latest export scores the videos) or --modelDir (one export)"
          : "give --trainDir or --modelDir, not both");
    }
    positive("topK", options.getTopK());
    positive("batchSize", options.getBatchSize());
    positive("segmentMaxPred", options.getSegmentMaxPred());
    if (options.getNumShards() < 0) {
      throw new IllegalArgumentException("--numShards must not be negative (0 writes one "
          + "file), got " + options.getNumShards());
    }
    if (options.getVocabulary() != null && options.getSegmentLabels()) {
      throw new IllegalArgumentException("--vocabulary adds a file of class names beside a "
          + "predictions CSV: a segment submission (--segmentLabels) has none");
    }
    if (options.getSegmentLabelIdsFile() != null && !options.getSegmentLabels()) {
      throw new IllegalArgumentException("--segmentLabelIdsFile chooses the classes of a "
          + "segment submission: it needs --segmentLabels");
    }
  }

  private static void positive(String flag, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("--" + flag + " must be positive, got " + value);
    }
  }
}
