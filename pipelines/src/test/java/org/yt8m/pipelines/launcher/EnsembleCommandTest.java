package org.yt8m.pipelines.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/**
 * {@code yt8m ensemble} through the launcher: two exports with known weights make one export
 * that {@code evaluate --trainDir} and {@code infer --trainDir} take like any model, scoring
 * the weighted mean of the members' probabilities worked out by hand; bad arguments are
 * refused before anything is written, naming the flag or the member.
 */
class EnsembleCommandTest extends LauncherTestBase {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "16,8");
  static final int CLASSES = 30;
  static final KnownModels.Weights A = KnownModels.Weights.random(24, CLASSES, 5L);
  static final KnownModels.Weights B = KnownModels.Weights.random(24, CLASSES, 6L);

  @TempDir
  Path dir;
  Path data;
  Path a;
  Path b;

  @BeforeEach
  void writeShardsAndExports() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    SyntheticVideos videos = SyntheticVideos.of(3L, CLASSES, FEATURES);
    SyntheticShards split = new SyntheticShards("validate", 120, 2, false, 1, 1);
    for (int shard = 0; shard < split.numShards(); shard++) {
      try (OutputStream out = Files.newOutputStream(data.resolve(split.shardName(shard)))) {
        split.writeShard(shard, videos, out);
      }
    }
    a = dir.resolve("a");
    KnownModels.export(a, Models.LOGISTIC, FEATURES, A, 40);
    b = KnownModels.export(dir.resolve("b"), Models.LOGISTIC, FEATURES, B, 7);
  }

  @Test
  void evaluateAndInferTakeTheEnsembleLikeAnyModel() throws Exception {
    Path ensemble = dir.resolve("ensemble");
    assertEquals(Yt8m.OK, run("ensemble", "--modelDirs=" + a + "," + b, "--weights=1,3",
        "--outputDir=" + ensemble), stderr());
    assertTrue(stdout().contains("member " + a + "/export/step_40 (LogisticModel), weight "
        + "0.2500"), stdout());
    assertTrue(stdout().contains("wrote " + ensemble + "/export/step_0 ("), stdout());
    JsonNode flags = read(ensemble.resolve("export/step_0/model_flags.json"));
    assertEquals(0.75, flags.get("ensemble").get(1).get("weight").asDouble(), 1e-12);
    assertEquals(b.toString(), flags.get("ensemble").get(1).get("export").asText());
    assertEquals("float32", flags.get("export_precision").asText());
    assertTrue(flags.get("export_size_bytes").asLong() > 0);

    assertEquals(Yt8m.OK, run("evaluate", "--evalDataPattern=" + data + "/*.tfrecord",
        "--trainDir=" + ensemble), stderr());
    JsonNode metrics = read(ensemble.resolve("eval/step_0/metrics.json"));
    Map<String, Video> expected = mixture();
    MetricsAccumulator byHand = new MetricsAccumulator(CLASSES, 20);
    double loss = 0;
    for (Video video : expected.values()) {
      int[] labels = video.labels();
      float[] scores = new float[CLASSES];
      for (int c = 0; c < CLASSES; c++) {
        double p = video.probabilities()[c];
        scores[c] = (float) p;
        loss -= Arrays.binarySearch(labels, c) >= 0 ? Math.log(p + 1e-5)
            : Math.log(1 - p + 1e-5);
      }
      byHand.addScores(labels, scores);
    }
    EvaluationMetrics want = byHand.result(false);
    assertEquals(want.gap(), metrics.get("gap").asDouble(), 1e-6);
    assertEquals(want.hitAtOne(), metrics.get("hit_at_one").asDouble(), 1e-9);
    assertEquals(loss / expected.size(), metrics.get("loss").asDouble(), 1e-4);

    Path predictions = dir.resolve("predictions.csv");
    assertEquals(Yt8m.OK, run("infer", "--inputDataPattern=" + data + "/*.tfrecord",
        "--trainDir=" + ensemble, "--outputFile=" + predictions, "--topK=1"), stderr());
    List<String> lines = Files.readAllLines(predictions);
    assertEquals(expected.size() + 1, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split("[, ]");
      double[] p = expected.get(fields[0]).probabilities();
      int top = KnownModels.topK(p, 1)[0];
      assertEquals(top, Integer.parseInt(fields[1]), line);
      assertEquals(p[top], Double.parseDouble(fields[2]), 1e-5, line);
    }
  }

  @Test
  void float16ReExportsOneModelAtAboutAQuarterOfItsSize() throws Exception {
    Path compact = dir.resolve("compact");
    assertEquals(Yt8m.OK, run("ensemble", "--modelDirs=" + b, "--exportPrecision=float16",
        "--outputDir=" + compact), stderr());
    JsonNode flags = read(compact.resolve("export/step_0/model_flags.json"));
    assertEquals("float16", flags.get("export_precision").asText());
    long original = 0;
    try (var files = Files.walk(b)) {
      for (Path file : files.filter(Files::isRegularFile)
          .filter(f -> !f.endsWith("model_flags.json")).toList()) {
        original += Files.size(file);
      }
    }
    assertTrue(flags.get("export_size_bytes").asLong() < original / 2,
        flags.get("export_size_bytes") + " bytes against " + original);
  }

  @Test
  void badArgumentsAreRefusedNamingTheFlagOrTheMember() throws Exception {
    Path out = dir.resolve("out");
    assertRefused("--weights has 1 value for 2 --modelDirs", "--modelDirs=" + a + "," + b,
        "--weights=1", "--outputDir=" + out);
    assertRefused("--weights: weight 2 is \"-1\"", "--modelDirs=" + a + "," + b,
        "--weights=1,-1", "--outputDir=" + out);
    assertRefused("--weights=0,0 are all 0", "--modelDirs=" + a + "," + b, "--weights=0,0",
        "--outputDir=" + out);
    assertRefused("--modelDirs=" + a + ", has an empty entry", "--modelDirs=" + a + ",",
        "--outputDir=" + out);
    assertRefused("--exportPrecision must be one of float32, float16, got half",
        "--modelDirs=" + a, "--exportPrecision=half", "--outputDir=" + out);
    assertRefused("--outputDir=" + a + " holds an input", "--modelDirs=" + a + "," + b,
        "--outputDir=" + a);

    Path frames = KnownModels.export(dir.resolve("frames"), Models.FRAME_LEVEL_LOGISTIC,
        FeatureSpec.parse("rgb,audio", "16,8"), A, 3);
    assertRefused(frames + " (FrameLevelLogisticModel) reads frame-level records, " + b
        + " (LogisticModel) video-level ones", "--modelDirs=" + b + "," + frames,
        "--outputDir=" + out);
    Path wide = KnownModels.export(dir.resolve("wide"), Models.LOGISTIC,
        FeatureSpec.parse("mean_rgb,mean_audio", "16,9"), KnownModels.Weights.random(25,
            CLASSES, 1L), 3);
    assertRefused(wide + "/model_flags.json has feature_sizes 16,9", "--modelDirs=" + b + ","
        + wide, "--outputDir=" + out);
    assertTrue(Files.notExists(out), "nothing written");

    Path trainRun = dir.resolve("run");
    KnownModels.export(trainRun, Models.LOGISTIC, FEATURES, A, 1);
    Files.writeString(trainRun.resolve("model_flags.json"),
        KnownModels.flags(Models.LOGISTIC, FEATURES, CLASSES).toJson(
            org.yt8m.model.train.RunId.LEGACY));
    assertRefused("--outputDir=" + trainRun + " holds a training run",
        "--modelDirs=" + b, "--outputDir=" + trainRun);
  }

  private void assertRefused(String message, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "ensemble";
    System.arraycopy(args, 0, all, 1, args.length);
    assertEquals(Yt8m.FAILED, run(all), stdout());
    assertTrue(stderr().contains(message), stderr());
  }

  /** A video's labels and its ensemble probabilities. */
  private record Video(int[] labels, double[] probabilities) {}

  /** Each video's ensemble probabilities, {@code 0.25·A + 0.75·B}, by hand, by id. */
  private Map<String, Video> mixture() throws Exception {
    Map<String, Video> mixture = new HashMap<>();
    Yt8mDecoder decoder = new Yt8mDecoder(FEATURES, CLASSES, 300);
    try (var files = Files.list(data)) {
      for (Path file : files.sorted().toList()) {
        try (TfRecordReader reader = new TfRecordReader(file.toString(),
            Files.newInputStream(file))) {
          while (reader.next()) {
            VideoRecord video = decoder.decodeVideo(reader.buffer(), reader.length());
            double[] pa = KnownModels.probabilities(video.features(), A);
            double[] pb = KnownModels.probabilities(video.features(), B);
            double[] p = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
              p[c] = 0.25 * pa[c] + 0.75 * pb[c];
            }
            mixture.put(video.id(), new Video(video.labels(), p));
          }
        }
      }
    }
    return mixture;
  }

  private static JsonNode read(Path file) throws Exception {
    return new ObjectMapper().readTree(file.toFile());
  }
}
