package org.yt8m.pipelines.segments;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.pipelines.evaluate.EvaluateOptions;
import org.yt8m.pipelines.evaluate.EvaluatePipeline;
import org.yt8m.pipelines.infer.InferOptions;
import org.yt8m.pipelines.infer.InferPipeline;
import org.yt8m.pipelines.train.TrainCommand;
import org.yt8m.pipelines.train.TrainOptions;

/**
 * The 2019 segment challenge end to end on generated segment-rated data: a frame-level model
 * trained on video-level labels, the same model fine-tuned on the rated segments of part of
 * the validate split, both evaluated on the rest of it segment by segment, and the
 * fine-tuned model's submission scored as a file.
 */
class SegmentChallengeTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("rgb,audio", "24,8");
  static final int CLASSES = 6;
  static final String HELD_OUT = "validate0002.tfrecord";

  @TempDir
  static Path dir;
  static Path videoLevel;
  static Path fineTuned;
  static String videoLevelLog;
  static String fineTunedLog;

  @BeforeAll
  static void generateAndTrain() throws Exception {
    SyntheticVideos videos = SyntheticVideos.of(7L, CLASSES, FEATURES);
    for (SyntheticShards split : List.of(
        new SyntheticShards("train", 400, 2, true, 10, 40, true),
        new SyntheticShards("validate", 300, 3, true, 10, 40, true))) {
      for (int shard = 0; shard < split.numShards(); shard++) {
        try (OutputStream out = Files.newOutputStream(dir.resolve(split.shardName(shard)))) {
          split.writeShard(shard, videos, out);
        }
      }
    }
    videoLevel = dir.resolve("video-level");
    fineTuned = dir.resolve("segments");
    videoLevelLog = train("--trainDataPattern=" + dir + "/train*.tfrecord",
        "--trainDir=" + videoLevel, "--numEpochs=6");
    fineTunedLog = train("--trainDataPattern=" + dir + "/validate000[01].tfrecord",
        "--trainDir=" + fineTuned, "--segmentLabels", "--initFrom=" + videoLevel,
        "--numEpochs=6");
  }

  @Test
  void fineTuningOnSegmentsBeatsTheVideoLevelModelItStartedFrom() throws Exception {
    assertTrue(fineTunedLog.contains("initialized from " + videoLevel + "/export/step_"),
        fineTunedLog);
    evaluate("--trainDir=" + videoLevel);
    evaluate("--trainDir=" + fineTuned);
    double before = latestMetrics(videoLevel).get("map").asDouble();
    double after = latestMetrics(fineTuned).get("map").asDouble();
    System.out.printf("segment mAP on %s: video-level %.4f, fine-tuned %.4f%n", HELD_OUT,
        before, after);
    assertTrue(after > before + 0.1, "segment mAP " + before + " -> " + after);
  }

  @Test
  void aModelsSegmentEvaluationIsItsSubmissionsScore() throws Exception {
    Path submission = dir.resolve("submission.csv");
    infer("--trainDir=" + fineTuned, "--inputDataPattern=" + dir + "/" + HELD_OUT,
        "--segmentLabels", "--outputFile=" + submission, "--topK=" + CLASSES, "--batchSize=1");
    Path scored = dir.resolve("submission-eval");
    evaluate("--predictions=" + submission, "--outputDir=" + scored);
    Path modelMode = dir.resolve("model-eval");
    evaluate("--trainDir=" + fineTuned, "--outputDir=" + modelMode, "--batchSize=1");

    JsonNode file = read(scored.resolve("metrics.json"));
    JsonNode model = read(modelMode.resolve("metrics.json"));
    assertEquals(file.get("num_classes").asInt(), model.get("num_classes").asInt());
    assertEquals(file.get("rated_cells").asLong(), model.get("rated_cells").asLong());
    assertEquals(file.get("map").asDouble(), model.get("map").asDouble(), 0.0);
    assertEquals(Files.readString(scored.resolve("per_class_ap.csv")),
        Files.readString(modelMode.resolve("per_class_ap.csv")));
  }

  @Test
  void segmentEvaluationsGoToTheHistoryAndOnlyNewSkipsThem() throws Exception {
    evaluate("--trainDir=" + fineTuned, "--onlyNew");
    String again = evaluate("--trainDir=" + fineTuned, "--onlyNew");
    assertTrue(again.startsWith("nothing to evaluate"), again);
    List<String> history = Files.readAllLines(fineTuned.resolve("eval/history.jsonl"));
    JsonNode line = new ObjectMapper().readTree(history.get(history.size() - 1));
    assertTrue(line.get("segment_labels").asBoolean(), line.toString());
    assertTrue(line.get("rated_cells").asLong() > 0, line.toString());
  }

  @Test
  void aVideoLevelModelOrShardsWithoutRatingsAreRefusedBeforeAnyWork() throws Exception {
    Path trainDir = dir.resolve("refused");
    IllegalArgumentException videoModel = assertThrows(IllegalArgumentException.class,
        () -> train("--trainDataPattern=" + dir + "/validate0000.tfrecord",
            "--trainDir=" + trainDir, "--segmentLabels", "--model=LogisticModel",
            "--frameFeatures=false", "--numEpochs=1"));
    assertTrue(videoModel.getMessage().contains("LogisticModel is a video-level model"),
        videoModel.getMessage());
    Path plain = dir.resolve("plain0000.tfrecord");
    try (OutputStream out = Files.newOutputStream(plain)) {
      new SyntheticShards("plain", 3, 1, true, 10, 20).writeShard(0,
          SyntheticVideos.of(7L, CLASSES, FEATURES), out);
    }
    IllegalArgumentException unrated = assertThrows(IllegalArgumentException.class,
        () -> train("--trainDataPattern=" + plain, "--trainDir=" + trainDir,
            "--segmentLabels", "--numEpochs=1"));
    assertEquals(plain + ": record 0 (id p0000-000000) has no segment_labels, "
        + "segment_start_times or segment_scores: --segmentLabels needs 2019 segment-rated "
        + "frame-level shards (the validate split; generate writes them with --frameFeatures "
        + "--segmentLabels)", unrated.getMessage());
    assertFalse(Files.exists(trainDir));
    Path logistic = dir.resolve("logistic");
    KnownModels.export(logistic, Models.LOGISTIC, FeatureSpec.parse("mean_rgb", "4"),
        KnownModels.Weights.random(4, CLASSES, 1L), 3);
    IllegalArgumentException videoExport = assertThrows(IllegalArgumentException.class,
        () -> evaluate("--trainDir=" + logistic));
    assertTrue(videoExport.getMessage().endsWith("is a video-level model"),
        videoExport.getMessage());
    assertFalse(Files.exists(logistic.resolve("eval")));
    IllegalArgumentException softmax = assertThrows(IllegalArgumentException.class,
        () -> train("--trainDataPattern=" + dir + "/validate0000.tfrecord",
            "--trainDir=" + trainDir, "--segmentLabels", "--labelLoss=SoftmaxLoss"));
    assertTrue(softmax.getMessage().contains("SoftmaxLoss"), softmax.getMessage());
  }

  private static String train(String... args) throws Exception {
    String[] all = concat(args, "--model=FrameLevelLogisticModel", "--frameFeatures",
        "--featureNames=rgb,audio", "--featureSizes=24,8", "--numClasses=" + CLASSES,
        "--batchSize=32", "--baseLearningRate=0.05", "--regularizationPenalty=0",
        "--logEverySteps=1000", "--readerThreads=1");
    TrainOptions options = PipelineOptionsFactory.fromArgs(all).withValidation()
        .as(TrainOptions.class);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    TrainCommand.execute(options, new PrintStream(text, true, UTF_8));
    return text.toString(UTF_8);
  }

  private static String evaluate(String... args) throws Exception {
    String[] all = concat(args, "--evalDataPattern=" + dir + "/" + HELD_OUT, "--segmentLabels",
        "--topK=" + CLASSES, "--numClasses=" + CLASSES);
    EvaluateOptions options = PipelineOptionsFactory.fromArgs(all).withValidation()
        .as(EvaluateOptions.class);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    EvaluatePipeline.execute(options, new PrintStream(text, true, UTF_8));
    return text.toString(UTF_8);
  }

  private static void infer(String... args) throws Exception {
    InferOptions options = PipelineOptionsFactory.fromArgs(args).withValidation()
        .as(InferOptions.class);
    InferPipeline.execute(options, new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
  }

  private static JsonNode latestMetrics(Path trainDir) throws Exception {
    String latest = Files.readString(trainDir.resolve("export/latest")).strip();
    return read(trainDir.resolve("eval").resolve(latest).resolve("metrics.json"));
  }

  private static JsonNode read(Path file) throws Exception {
    return new ObjectMapper().readTree(Files.readString(file));
  }

  /** {@code args} and each of {@code defaults} whose flag they do not give. */
  private static String[] concat(String[] args, String... defaults) {
    List<String> all = new ArrayList<>(List.of(args));
    for (String flag : defaults) {
      String name = flag.split("=", 2)[0];
      if (all.stream().noneMatch(arg -> arg.split("=", 2)[0].equals(name))) {
        all.add(flag);
      }
    }
    return all.toArray(String[]::new);
  }
}
