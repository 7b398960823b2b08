package org.yt8m.pipelines.evaluate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Throwables;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.FeatureLists;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import org.tensorflow.proto.SequenceExample;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.metrics.TopK;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.SharedData;

/**
 * {@code evaluate --predictions}: a predictions file the test writes, scored against shards, and
 * checked against the plain loop fed the same labels and the same parsed scores.
 */
class EvaluatePipelineTest {
  private static final int CLASSES = 60;

  @TempDir
  Path dir;

  @Test
  void scoresAFileWithMissingExtraAndBadLines() throws Exception {
    SyntheticShards shards = new SyntheticShards("validate", 150, 2, false, 10, 330);
    for (int shard = 0; shard < 2; shard++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(shards.shardName(shard)))) {
        shards.writeShard(shard, SyntheticVideos.of(4, CLASSES, FeatureSpec.VIDEO_DEFAULT), out);
      }
    }
    List<VideoRecord> videos = read(dir, "validate", CLASSES);
    SplittableRandom random = new SplittableRandom(8);
    MetricsAccumulator expected = new MetricsAccumulator(CLASSES, 20);
    List<String> lines = new ArrayList<>(List.of("VideoId,LabelConfidencePairs"));
    for (int v = 0; v < videos.size(); v++) {
      VideoRecord video = videos.get(v);
      if (v % 15 == 0) {
        expected.add(video.labels(), new int[0], new float[0]); // no line for this video
        continue;
      }
      lines.add(line(video.id(), noisyScores(video.labels(), random), expected, video.labels()));
    }
    for (int u = 0; u < 5; u++) {
      lines.add("unknown" + u + ",1 0.5 2 0.25");
    }
    lines.add(videos.get(1).id() + ",3 0.9"); // a second line for a video: not malformed
    lines.add("bad1,1 NaN");
    lines.add("bad2,1 0.5 2");
    lines.add("bad3," + CLASSES + " 0.5");
    int bad1 = lines.size() - 2; // its line number
    lines.set(0, "\uFEFF" + lines.get(0)); // a byte order mark: still the header
    Path predictions = Files.write(dir.resolve("predictions.csv"), lines, UTF_8);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    JsonNode metrics = evaluate(text, "--evalDataPattern=" + dir.resolve("validate*"),
        "--predictions=" + predictions, "--numClasses=" + CLASSES);
    EvaluationMetrics loop = expected.result(false);
    assertEquals(150, metrics.get("examples").asLong());
    assertEquals(loop.hitAtOne(), metrics.get("hit_at_one").asDouble(), 1e-12);
    assertEquals(loop.perr(), metrics.get("perr").asDouble(), 1e-12);
    assertEquals(loop.gap(), metrics.get("gap").asDouble(), 1e-12);
    assertEquals(loop.map(), metrics.get("map").asDouble(), 1e-12);
    assertEquals(loop.numClassesWithPositives(),
        metrics.get("num_classes_with_positives").asInt());
    assertEquals(10, metrics.get("videos_without_predictions").asLong());
    assertEquals(5, metrics.get("unknown_videos").asLong());
    assertEquals(3, metrics.get("malformed_lines").asLong());
    assertEquals(1, metrics.get("duplicate_prediction_lines").asLong());
    assertEquals(1, metrics.get("malformed").get("bad_score").asLong());
    JsonNode first = metrics.get("malformed_examples").get(0);
    assertEquals(predictions.toString(), first.get("file").asText());
    assertEquals(bad1, first.get("line").asLong());
    assertEquals("bad1", first.get("id").asText());
    assertEquals("bad_score", first.get("reason").asText());
    assertEquals(3, metrics.get("malformed_examples").size());
    assertTrue(metrics.get("loss").isNull());
    assertEquals(20, metrics.get("top_k").asInt());

    List<String> perClass = Files.readAllLines(dir.resolve("out/per_class_ap.csv"));
    assertEquals("class,ap,positives,predictions", perClass.get(0));
    assertEquals(loop.numClassesWithPositives() + 1, perClass.size());
    String html = Files.readString(dir.resolve("out/report.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.contains(String.format(Locale.ROOT, "<tr><th class=\"l\">GAP (top 20)</th>"
        + "<td>%.6f</td></tr>", loop.gap())), html);
    assertEquals(loop.numClassesWithPositives(), html.split("<circle ", -1).length - 1,
        "one point per class with positives");
    assertTrue(html.contains("<polyline "), "the precision-recall curve");
    assertTrue(html.contains("The 20 best classes") && html.contains("The 20 worst classes"));
    assertTrue(!html.contains("<script") && !html.contains("https://")
        && html.split("http://", -1).length - 1 == 2, "self-contained: only SVG namespaces");
    String summary = text.toString(UTF_8);
    assertTrue(summary.startsWith(String.format(Locale.ROOT, "examples: 150 | Hit@1: %.6f | "
        + "PERR: %.6f | MAP: %.6f | GAP: %.6f", loop.hitAtOne(), loop.perr(), loop.map(),
        loop.gap())), summary);
    assertTrue(summary.contains("videos without predictions: 10 | unknown videos: 5 | "
        + "malformed lines: 3 | duplicate lines: 1\nfirst malformed lines:\n  " + predictions
        + " line " + bad1 + " (id bad1): bad_score: score 'NaN' of class 1 is not a finite "
        + "decimal number\n  " + predictions + " line " + (bad1 + 1) + " (id bad2): "
        + "odd_token_count: "), summary);
  }

  /**
   * A predictions file with nothing for the shards' labelled videos is a failed evaluation,
   * saying why, not one scoring every video as missed; no metrics are written.
   */
  @Test
  void predictionsWithNothingToEvaluateFailSayingWhy() throws Exception {
    SyntheticShards shards = new SyntheticShards("validate", 20, 1, false, 10, 330);
    try (OutputStream out = Files.newOutputStream(dir.resolve(shards.shardName(0)))) {
      shards.writeShard(0, SyntheticVideos.of(4, CLASSES, FeatureSpec.VIDEO_DEFAULT), out);
    }
    Path headerOnly = Files.writeString(dir.resolve("header.csv"),
        "\uFEFFVideoId,LabelConfidencePairs\n", UTF_8);
    assertEquals("evaluated nothing: no predictions line is for a labelled video of the shards "
        + "(the shards hold 20 labelled videos, 0 unlabelled, 0 invalid records); the "
        + "predictions have no data lines (an empty file, or a header only)",
        failure("--predictions=" + headerOnly));
    Path allBad = Files.writeString(dir.resolve("bad.csv"),
        "VideoId,LabelConfidencePairs\nx,1 NaN\nstranger,1 0.5\n", UTF_8);
    assertEquals("evaluated nothing: no predictions line is for a labelled video of the shards "
        + "(the shards hold 20 labelled videos, 0 unlabelled, 0 invalid records); of 2 "
        + "predictions lines, 1 are for videos the shards do not have, 0 repeat a video, 1 are "
        + "malformed:\n  " + allBad + " line 2 (id x): bad_score: score 'NaN' of class 1 is "
        + "not a finite decimal number", failure("--predictions=" + allBad));
    assertTrue(Files.notExists(dir.resolve("out/metrics.json")), "no metrics of nothing");
  }

  /** The message of the failure an evaluation of the shards in dir ends with. */
  private String failure(String predictions) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Exception e = assertThrows(Exception.class, () -> evaluate(text,
        "--evalDataPattern=" + dir.resolve("validate*"), predictions,
        "--numClasses=" + CLASSES));
    assertEquals("", text.toString(UTF_8), "no summary line of nothing");
    return Throwables.getRootCause(e).getMessage();
  }

  /** A second run would have read its own per_class_ap.csv as predictions. */
  @Test
  void anOutputDirectoryHoldingAnInputIsRefused() throws Exception {
    SyntheticShards shards = new SyntheticShards("validate", 5, 1, false, 10, 330);
    try (OutputStream out = Files.newOutputStream(dir.resolve(shards.shardName(0)))) {
      shards.writeShard(0, SyntheticVideos.of(4, CLASSES, FeatureSpec.VIDEO_DEFAULT), out);
    }
    Path predictions = Files.writeString(Files.createDirectories(dir.resolve("out"))
        .resolve("predictions.csv"), "VideoId,LabelConfidencePairs\n", UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> evaluate(new ByteArrayOutputStream(), "--evalDataPattern="
            + dir.resolve("validate*"), "--predictions=" + dir.resolve("out/*.csv"),
            "--numClasses=" + CLASSES));
    assertEquals("--outputDir=" + dir.resolve("out") + " holds an input: "
        + predictions + ", which --predictions=" + dir.resolve("out/*.csv") + " matches. Write "
        + "outputs apart from the inputs.", e.getMessage());
  }

  @Test
  void real2018ShardsWithAPredictionsFile() throws Exception {
    Path folder = SharedData.folder("yt8m-2018-video");
    List<VideoRecord> videos = read(folder, "validate", 3862);
    SplittableRandom random = new SplittableRandom(2);
    MetricsAccumulator expected = new MetricsAccumulator(3862, 20);
    List<String> lines = new ArrayList<>(List.of("VideoId,LabelConfidencePairs"));
    for (VideoRecord video : videos) {
      lines.add(line(video.id(), sparseScores(video.labels(), random), expected,
          video.labels()));
    }
    Path predictions = Files.write(dir.resolve("predictions.csv"), lines, UTF_8);
    JsonNode metrics = evaluate(new ByteArrayOutputStream(), "--evalDataPattern="
        + folder.resolve("validate*.tfrecord"), "--predictions=" + predictions);
    EvaluationMetrics loop = expected.result(false);
    assertEquals(1202, metrics.get("examples").asLong());
    assertEquals(loop.gap(), metrics.get("gap").asDouble(), 1e-12);
    assertEquals(loop.map(), metrics.get("map").asDouble(), 1e-12);
    assertEquals(loop.hitAtOne(), metrics.get("hit_at_one").asDouble(), 1e-12);
    assertEquals(0, metrics.get("videos_without_predictions").asLong());
  }

  /**
   * Segment mode on shards written with TensorFlow's classes, and the starter script's three
   * bugs: ids compared as text (not Python 3 bytes), the header skipped (not parsed as a class),
   * a class without rated positives scored 0 (not a crash).
   */
  @Test
  void segmentLevelSubmission() throws Exception {
    Path shard = dir.resolve("validate0000.tfrecord");
    try (TfRecordWriter writer = new TfRecordWriter(Files.newOutputStream(shard))) {
      writer.write(segmentRated("vidA", new long[] {3, 3, 8}, new long[] {0, 5, 5},
          new float[] {1f, 0f, 0f}));
      writer.write(segmentRated("vidB", new long[] {3}, new long[] {10}, new float[] {1f}));
    }
    Path submission = Files.write(dir.resolve("segments.csv"), List.of("Class,Segments",
        "3,vidA:5 vidB:10 vidA:0", "8,vidA:5 vidB:10"), UTF_8);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    JsonNode metrics = evaluate(text, "--evalDataPattern=" + shard, "--predictions="
        + submission, "--segmentLabels");
    double ap3 = (1.0 / 2 + 2.0 / 3) / 2; // rated ranking [-, +, +], 2 positives
    assertEquals(2, metrics.get("num_classes").asInt());
    assertEquals((ap3 + 0) / 2, metrics.get("map").asDouble(), 1e-15);
    assertEquals(1, metrics.get("classes_without_rated_positives").asInt());
    assertEquals(4, metrics.get("rated_cells").asLong());
    assertEquals(0, metrics.get("malformed_lines").asLong());
    assertTrue(text.toString(UTF_8).startsWith(String.format(Locale.ROOT,
        "Num classes: 2 | mAP@100000: %.6f", (ap3 + 0) / 2)), text.toString(UTF_8));

    // An earlier video-level evaluation's report in the same place is not left beside these.
    Path videoShard = Files.createDirectories(dir.resolve("video"))
        .resolve("validate0000.tfrecord");
    try (OutputStream out = Files.newOutputStream(videoShard)) {
      new SyntheticShards("validate", 150, 2, false, 10, 330).writeShard(0,
          SyntheticVideos.of(4, CLASSES, FeatureSpec.VIDEO_DEFAULT), out);
    }
    String videoId = read(dir.resolve("video"), "validate", CLASSES).get(0).id();
    Path videoLevel = Files.write(dir.resolve("video.csv"), List.of(
        "VideoId,LabelConfidencePairs", videoId + ",1 0.5"), UTF_8);
    evaluate(text, "--evalDataPattern=" + videoShard, "--predictions=" + videoLevel,
        "--numClasses=" + CLASSES);
    assertTrue(Files.exists(dir.resolve("out/report.html")));
    evaluate(text, "--evalDataPattern=" + shard, "--predictions=" + submission,
        "--segmentLabels");
    try (var files = Files.list(dir.resolve("out"))) {
      assertEquals(List.of("evaluation.manifest.json", "metrics.json", "per_class_ap.csv"),
          files.map(file -> file.getFileName().toString()).sorted().toList());
    }
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("out/evaluation.manifest.json")
        .toFile());
    assertTrue(manifest.get("complete").asBoolean());
    assertEquals(Files.size(dir.resolve("out/metrics.json")),
        manifest.get("files").get(0).get("bytes").asLong());
  }

  @Test
  void aSegmentSubmissionWithoutAValidLineFailsSayingWhy() throws Exception {
    Path shard = dir.resolve("validate0000.tfrecord");
    try (TfRecordWriter writer = new TfRecordWriter(Files.newOutputStream(shard))) {
      writer.write(segmentRated("vidA", new long[] {3}, new long[] {0}, new float[] {1f}));
    }
    Path submission = Files.write(dir.resolve("segments.csv"), List.of("\uFEFFClass,Segments",
        "oops,vidA:0"), UTF_8);
    Exception e = assertThrows(Exception.class, () -> evaluate(new ByteArrayOutputStream(),
        "--evalDataPattern=" + shard, "--predictions=" + submission, "--segmentLabels"));
    assertEquals("evaluated nothing: the submission has no valid line (1 malformed):\n  "
        + submission + " line 2: bad_class: class 'oops' is not an integer",
        Throwables.getRootCause(e).getMessage());
  }

  private static byte[] segmentRated(String id, long[] classes, long[] starts, float[] scores) {
    Int64List.Builder classList = Int64List.newBuilder();
    Int64List.Builder startList = Int64List.newBuilder();
    FloatList.Builder scoreList = FloatList.newBuilder();
    for (int i = 0; i < classes.length; i++) {
      classList.addValue(classes[i]);
      startList.addValue(starts[i]);
      scoreList.addValue(scores[i]);
    }
    FeatureList.Builder frames = FeatureList.newBuilder();
    for (int f = 0; f < 15; f++) {
      frames.addFeature(Feature.newBuilder().setBytesList(BytesList.newBuilder()
          .addValue(ByteString.copyFrom(new byte[1024]))));
    }
    return SequenceExample.newBuilder()
        .setContext(Features.newBuilder()
            .putFeature("id", Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(ByteString.copyFromUtf8(id))).build())
            .putFeature("segment_labels", Feature.newBuilder().setInt64List(classList).build())
            .putFeature("segment_start_times",
                Feature.newBuilder().setInt64List(startList).build())
            .putFeature("segment_scores", Feature.newBuilder().setFloatList(scoreList).build()))
        .setFeatureLists(FeatureLists.newBuilder().putFeatureList("rgb", frames.build()))
        .build().toByteArray();
  }

  @Test
  void aModelOrAFileButNotBoth() {
    for (String[] args : List.of(new String[] {"--evalDataPattern=x"},
        new String[] {"--evalDataPattern=x", "--trainDir=/tmp/model", "--predictions=p.csv"})) {
      EvaluateOptions options = PipelineOptionsFactory.fromArgs(args).as(EvaluateOptions.class);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EvaluatePipeline.execute(options, System.out));
      assertEquals("give either --trainDir (a model to evaluate) or --predictions=FILE (an "
          + "inference CSV to score)", e.getMessage());
    }
  }

  /** Scores near 1 for labels, random below for other classes. */
  private static float[] noisyScores(int[] labels, SplittableRandom random) {
    float[] scores = new float[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      scores[c] = (float) random.nextDouble(0, 0.6);
    }
    for (int label : labels) {
      scores[label] = (float) random.nextDouble(0.3, 1.0);
    }
    return scores;
  }

  /** Labels at 0.5 or so, plus a few random classes. */
  private static float[] sparseScores(int[] labels, SplittableRandom random) {
    float[] scores = new float[3862];
    for (int i = 0; i < 10; i++) {
      scores[random.nextInt(3862)] = (float) random.nextDouble(0, 0.7);
    }
    for (int label : labels) {
      scores[label] = (float) random.nextDouble(0.2, 0.9);
    }
    return scores;
  }

  /**
   * The CSV line of a video's top 20 (scores in %g form, as inference writes them), also added
   * to the plain loop with the scores as the file gives them.
   */
  private static String line(String id, float[] scores, MetricsAccumulator expected,
      int[] labels) {
    float[] printed = new float[scores.length];
    for (int c = 0; c < scores.length; c++) {
      printed[c] = Float.parseFloat(ScoreFormat.format(scores[c]));
    }
    int[] top = TopK.classes(printed, 20);
    expected.add(labels, top, TopK.scoresOf(printed, top));
    return ScoreFormat.predictionLine(id, top, TopK.scoresOf(printed, top));
  }

  private JsonNode evaluate(ByteArrayOutputStream text, String... args) throws IOException {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--outputDir=" + dir.resolve("out");
    EvaluateOptions options = PipelineOptionsFactory.fromArgs(all).withValidation()
        .as(EvaluateOptions.class);
    EvaluatePipeline.execute(options, new PrintStream(text, true, UTF_8));
    return new ObjectMapper().readTree(dir.resolve("out/metrics.json").toFile());
  }

  private static List<VideoRecord> read(Path folder, String prefix, int numClasses)
      throws Exception {
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, numClasses, 300);
    List<VideoRecord> videos = new ArrayList<>();
    try (var files = Files.list(folder)) {
      for (Path shard : files.filter(p -> p.getFileName().toString().startsWith(prefix))
          .sorted().toList()) {
        try (TfRecordReader reader = new TfRecordReader(shard.toString(),
            Files.newInputStream(shard))) {
          while (reader.next()) {
            videos.add(decoder.decodeVideo(reader.buffer(), reader.length()));
          }
        }
      }
    }
    return videos;
  }
}
