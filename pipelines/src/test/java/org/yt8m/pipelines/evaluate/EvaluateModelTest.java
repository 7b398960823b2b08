package org.yt8m.pipelines.evaluate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Throwables;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.summary.EventFileWriter;
import org.yt8m.model.train.summary.EventLogs;
import org.yt8m.model.train.summary.ScalarPoint;

/**
 * {@code evaluate --trainDir}: an export with known weights scores labelled shards; the
 * figures are checked against the plain metric loop over probabilities worked out by hand,
 * the loss against the cross entropy of those probabilities.
 */
class EvaluateModelTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "16,8");
  static final int CLASSES = 30;
  static final KnownModels.Weights WEIGHTS = KnownModels.Weights.random(24, CLASSES, 5L);

  @TempDir
  Path dir;
  Path data;
  Path trainDir;

  @BeforeEach
  void writeShardsAndExport() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    trainDir = dir.resolve("train");
    SyntheticVideos videos = SyntheticVideos.of(3L, CLASSES, FEATURES);
    for (SyntheticShards split : List.of(new SyntheticShards("validate", 120, 2, false, 1, 1),
        new SyntheticShards("test", 7, 1, false, 1, 1))) {
      for (int shard = 0; shard < split.numShards(); shard++) {
        try (OutputStream out = Files.newOutputStream(data.resolve(split.shardName(shard)))) {
          split.writeShard(shard, videos, out);
        }
      }
    }
    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 40);
  }

  @Test
  void scoresEveryLabelledVideoAndRecordsTheHistory() throws Exception {
    String out = evaluate("--batchSize=16");

    JsonNode metrics = read(trainDir.resolve("eval/step_40/metrics.json"));
    Expected expected = expected();
    assertEquals(120, metrics.get("examples").asLong());
    assertEquals(7, metrics.get("unlabelled_videos").asLong());
    assertEquals(expected.metrics.hitAtOne(), metrics.get("hit_at_one").asDouble(), 1e-9);
    assertEquals(expected.metrics.perr(), metrics.get("perr").asDouble(), 1e-9);
    assertEquals(expected.metrics.gap(), metrics.get("gap").asDouble(), 1e-6);
    assertEquals(expected.metrics.map(), metrics.get("map").asDouble(), 1e-6);
    assertEquals(expected.loss, metrics.get("loss").asDouble(), 1e-4 * expected.loss);
    assertEquals("step_40", metrics.get("model_version").asText());
    assertEquals("LogisticModel", metrics.get("model").asText());
    assertTrue(out.contains("examples: 120 | Hit@1: "), out);
    assertTrue(out.contains(" | loss: "), out);
    assertTrue(out.contains("unlabelled videos left out: 7"), out);
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/report.html")));
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/per_class_ap.csv")));

    List<String> history = Files.readAllLines(trainDir.resolve("eval/history.jsonl"));
    assertEquals(1, history.size());
    JsonNode line = new ObjectMapper().readTree(history.get(0));
    assertEquals(40, line.get("global_step").asLong());
    assertEquals(metrics.get("gap").asDouble(), line.get("gap").asDouble());
    List<String> tags = new ArrayList<>();
    for (ScalarPoint point : EventLogs.scalars(trainDir.resolve("eval"))) {
      assertEquals(40, point.step());
      tags.add(point.tag());
    }
    assertEquals(List.of("Eval/Hit@1", "Eval/PERR", "Eval/GAP", "Eval/mAP", "Eval/Loss"), tags);
  }

  /** Only unlabelled videos: nothing evaluated is a failure, not "loss: 0.000000". */
  @Test
  void shardsWithoutLabelsAreAFailureNotAScoreOfZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exception e = assertThrows(Exception.class, () -> EvaluatePipeline.execute(
        PipelineOptionsFactory.fromArgs("--evalDataPattern=" + data + "/test*.tfrecord",
            "--trainDir=" + trainDir).as(EvaluateOptions.class),
        new PrintStream(out, true, UTF_8)));
    assertEquals("evaluated nothing: no labelled video to score (the shards hold 0 labelled "
        + "videos, 7 unlabelled, 0 invalid records)", Throwables.getRootCause(e).getMessage());
    assertFalse(out.toString(UTF_8).contains("loss"), out.toString(UTF_8));
    assertTrue(Files.notExists(trainDir.resolve("eval/step_40/metrics.json")));
    assertTrue(Files.notExists(trainDir.resolve("eval/history.jsonl")),
        "not recorded as evaluated");
  }

  @Test
  void onlyNewEvaluatesTheNewestExportWithoutMetricsOnce() throws Exception {
    evaluate("--onlyNew");
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/metrics.json")));
    assertEquals("evaluated", read(trainDir.resolve("eval/step_40/settled")).get("settled")
        .asText(), "the scheduled gate's marker, after the history line");
    assertTrue(evaluate("--onlyNew").contains("nothing to evaluate"));

    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 80);
    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 60);
    evaluate("--onlyNew");
    assertTrue(Files.exists(trainDir.resolve("eval/step_80/metrics.json")));
    assertTrue(Files.notExists(trainDir.resolve("eval/step_60")));
    assertEquals(2, Files.readAllLines(trainDir.resolve("eval/history.jsonl")).size());
  }

  @Test
  void onlyNewRedoesAnEvaluationThatWasKilledBeforeItCommitted() throws Exception {
    // A killed evaluation of step_40: metrics.json and its TensorBoard point written, the
    // history line (the commit) not.
    Files.createDirectories(trainDir.resolve("eval/step_40"));
    Files.writeString(trainDir.resolve("eval/step_40/metrics.json"), "{\"examples\": 3}");
    eventFile(trainDir.resolve("eval"), "legacy.step_40", 40);

    assertTrue(evaluate("--onlyNew").contains("evaluating " + trainDir + "/export/step_40"));

    assertEquals(120, read(trainDir.resolve("eval/step_40/metrics.json")).get("examples")
        .asLong());
    assertEquals(1, Files.readAllLines(trainDir.resolve("eval/history.jsonl")).size());
    assertEquals(5, EventLogs.scalars(trainDir.resolve("eval")).size(),
        "one point per figure: the killed run's event file is gone");
    assertTrue(evaluate("--onlyNew").contains("nothing to evaluate"));
  }

  /**
   * A kill between the history line (the commit) and the gate's marker: the export is
   * evaluated, so --onlyNew does nothing but write the marker, and the gate stops launching.
   */
  @Test
  void onlyNewSettlesAnEvaluationKilledAfterItCommitted() throws Exception {
    evaluate("--onlyNew");
    Files.delete(trainDir.resolve("eval/step_40/settled"));

    assertTrue(evaluate("--onlyNew").contains("nothing to evaluate"));
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/settled")));
    assertEquals(1, Files.readAllLines(trainDir.resolve("eval/history.jsonl")).size());
  }

  /**
   * A new run that exports a step the old run had evaluated: the old marker goes with the old
   * weights, so the scheduled gate launches and --onlyNew evaluates the new step_40.
   */
  @Test
  void aStepExportedAgainByANewRunIsEvaluatedAgain() throws Exception {
    evaluate("--onlyNew");
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/settled")));

    recordRun("20240303T000000Z-cccccc");
    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 40);
    assertTrue(Files.notExists(trainDir.resolve("eval/step_40/settled")),
        "the gate must see the new step_40 as unevaluated");
    assertTrue(evaluate("--onlyNew").contains("evaluating " + trainDir + "/export/step_40"));
    assertTrue(Files.exists(trainDir.resolve("eval/step_40/settled")));
  }

  @Test
  void onlyNewAfterStartNewModelScoresOnlyTheNewRun() throws Exception {
    // step_40 is the legacy run's; step_80 the run a --startNewModel replaced; step_20 the
    // current run's, which trainDir/model_flags.json records.
    recordRun("20240101T000000Z-aaaaaa");
    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 80);
    eventFile(trainDir.resolve("eval"), "20240101T000000Z-aaaaaa.step_80", 80);
    eventFile(trainDir.resolve("eval"), "myhost", 40); // an older version's
    recordRun("20240202T000000Z-bbbbbb");
    KnownModels.export(trainDir, Models.LOGISTIC, FEATURES, WEIGHTS, 20);

    assertTrue(evaluate("--onlyNew").contains("evaluating " + trainDir + "/export/step_20"));
    assertTrue(evaluate("--onlyNew").contains("nothing to evaluate"));

    List<String> history = Files.readAllLines(trainDir.resolve("eval/history.jsonl"));
    assertEquals(1, history.size(), history.toString());
    JsonNode line = new ObjectMapper().readTree(history.get(0));
    assertEquals("step_20", line.get("model_version").asText());
    assertEquals("20240202T000000Z-bbbbbb", line.get("run_id").asText());
    assertEquals(List.of(20L), EventLogs.scalars(trainDir.resolve("eval")).stream()
        .map(ScalarPoint::step).distinct().toList(), "the eval curve is the new run's");
    assertEquals("of the replaced run 20240101T000000Z-aaaaaa", read(trainDir.resolve(
        "eval/step_80/settled")).get("settled").asText(), "the gate launches no more for it");
    assertEquals("of the replaced run legacy", read(trainDir.resolve("eval/step_40/settled"))
        .get("settled").asText());
  }

  /** Writes trainDir/model_flags.json recording {@code run}, as yt8m train would. */
  private void recordRun(String run) throws Exception {
    Files.createDirectories(trainDir);
    Files.writeString(trainDir.resolve("model_flags.json"),
        KnownModels.flags(Models.LOGISTIC, FEATURES, CLASSES).toJson(new RunId(run)));
  }

  /** An eval event file holding one point at {@code step}, named {@code *.<suffix>}. */
  private static void eventFile(Path dir, String suffix, long step) throws Exception {
    Path scratch = Files.createTempDirectory("events");
    try (EventFileWriter writer = EventFileWriter.open(scratch)) {
      writer.scalars(step, java.util.Map.of("Eval/GAP", 0.5));
      writer.close();
      Files.createDirectories(dir);
      Files.move(writer.file(), dir.resolve(writer.file().getFileName() + "." + suffix));
    }
  }

  @Test
  void onlyNewKeepsItsResultsWhereItLooksForThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> evaluate("--onlyNew", "--outputDir=" + dir.resolve("elsewhere")));
    assertTrue(e.getMessage().contains("leave --outputDir out"), e.getMessage());
  }

  @Test
  void aReaderFlagContradictingTheModelIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> evaluate("--numClasses=3862"));
    assertTrue(e.getMessage().contains("--numClasses=3862 contradicts the model"),
        e.getMessage());
  }

  @Test
  void aDirectoryWithoutExportsSaysHowToGetOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EvaluatePipeline.execute(options("--trainDir=" + dir.resolve("empty")),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8)));
    assertTrue(e.getMessage().contains("has no exported model"), e.getMessage());
  }

  private String evaluate(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--trainDir=" + trainDir));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EvaluatePipeline.execute(options(args.toArray(String[]::new)),
        new PrintStream(out, true, UTF_8));
    return out.toString(UTF_8);
  }

  private EvaluateOptions options(String... args) {
    List<String> all = new ArrayList<>(List.of("--evalDataPattern=" + data + "/*.tfrecord"));
    all.addAll(List.of(args));
    return PipelineOptionsFactory.fromArgs(all.toArray(String[]::new))
        .as(EvaluateOptions.class);
  }

  private record Expected(EvaluationMetrics metrics, double loss) {}

  /** The plain loop over the labelled videos, probabilities worked out by hand. */
  private Expected expected() throws Exception {
    MetricsAccumulator metrics = new MetricsAccumulator(CLASSES, 20);
    Yt8mDecoder decoder = new Yt8mDecoder(FEATURES, CLASSES, 300);
    double lossSum = 0;
    int labelled = 0;
    try (var files = Files.list(data)) {
      for (Path file : files.sorted().toList()) {
        try (TfRecordReader reader = new TfRecordReader(file.toString(),
            Files.newInputStream(file))) {
          while (reader.next()) {
            VideoRecord video = decoder.decodeVideo(reader.buffer(), reader.length());
            if (video.labels().length == 0) {
              continue;
            }
            double[] p = KnownModels.probabilities(video.features(), WEIGHTS);
            float[] scores = new float[CLASSES];
            double loss = 0;
            for (int c = 0; c < CLASSES; c++) {
              scores[c] = (float) p[c];
              double y = java.util.Arrays.binarySearch(video.labels(), c) >= 0 ? 1 : 0;
              loss -= y * Math.log(p[c] + 1e-5) + (1 - y) * Math.log(1 - p[c] + 1e-5);
            }
            metrics.addScores(video.labels(), scores);
            lossSum += loss;
            labelled++;
          }
        }
      }
    }
    return new Expected(metrics.result(false), lossSum / labelled);
  }

  private static JsonNode read(Path file) throws Exception {
    return new ObjectMapper().readTree(file.toFile());
  }
}
