package org.yt8m.pipelines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.pipelines.evaluate.EvaluateOptions;
import org.yt8m.pipelines.evaluate.EvaluatePipeline;
import org.yt8m.pipelines.generate.GenerateOptions;
import org.yt8m.pipelines.generate.GeneratePipeline;
import org.yt8m.pipelines.infer.InferOptions;
import org.yt8m.pipelines.infer.InferPipeline;
import org.yt8m.transforms.testing.ShardFiles;

/**
 * {@code --vocabulary}: the vocabulary.csv that {@code generate} writes names the classes in
 * evaluate's per_class_ap.csv and report.html (with AP per vertical) and in infer's second,
 * human-readable CSV, while the Kaggle CSV stays as it is.
 */
class ClassNamesTest {
  private static final int CLASSES = 24;

  @TempDir
  Path dir;

  private static String run(Runner runner) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    runner.run(new PrintStream(text, true, UTF_8));
    return text.toString(UTF_8);
  }

  private interface Runner {
    void run(PrintStream out) throws Exception;
  }

  private String generate(Path data, int classes) throws Exception {
    return run(out -> GeneratePipeline.execute(PipelineOptionsFactory.fromArgs(
        "--outputDir=" + data, "--split=validate", "--numVideos=120", "--numShards=1",
        "--numClasses=" + classes).as(GenerateOptions.class), out));
  }

  @Test
  void evaluationReportsNameClassesAndAverageApPerVertical() throws Exception {
    Path data = dir.resolve("data");
    assertTrue(generate(data, CLASSES).trim().endsWith("validate0000.tfrecord, "
        + "manifest-validate.json, vocabulary.csv"));
    Vocabulary vocabulary = Vocabulary.parse(Files.readString(data.resolve("vocabulary.csv")),
        "vocabulary.csv");
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> generate(data, CLASSES + 1));
    assertTrue(other.getMessage().endsWith("vocabulary.csv exists and is not the synthetic "
        + "vocabulary of 25 classes: generate into another directory (a vocabulary there is "
        + "left as it is)"), other.getMessage());

    // Every label ranked first: AP 1 for every class with positives.
    List<String> lines = new ArrayList<>(List.of(PredictionLineParser.HEADER));
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, CLASSES, 300);
    Path shard = data.resolve("validate0000.tfrecord");
    Map<Integer, Long> positives = new HashMap<>();
    try (TfRecordReader reader = new TfRecordReader(shard.toString(),
        Files.newInputStream(shard))) {
      while (reader.next()) {
        VideoRecord video = decoder.decodeVideo(reader.buffer(), reader.length());
        Arrays.stream(video.labels()).forEach(c -> positives.merge(c, 1L, Long::sum));
        lines.add(video.id() + "," + Arrays.stream(video.labels())
            .mapToObj(c -> c + " 0.9").collect(Collectors.joining(" ")));
      }
    }
    Path predictions = Files.write(dir.resolve("predictions.csv"), lines, UTF_8);
    // data/* matches the shard, its manifest and vocabulary.csv: only the shard is read.
    String[] args = {"--evalDataPattern=" + data.resolve("*"), "--predictions=" + predictions,
        "--numClasses=" + CLASSES, "--outputDir=" + dir.resolve("out"), "--quiet",
        "--vocabulary=" + data.resolve("vocabulary.csv")};
    run(out -> EvaluatePipeline.execute(PipelineOptionsFactory.fromArgs(args)
        .as(EvaluateOptions.class), out));

    List<String> perClass = Files.readAllLines(dir.resolve("out/per_class_ap.csv"));
    assertEquals("class,name,vertical,ap,positives,predictions", perClass.get(0));
    assertEquals("1,Synthetic class 1,Games,1.0," + positives.get(1) + "," + positives.get(1),
        perClass.get(2));
    String html = Files.readString(dir.resolve("out/report.html"));
    assertTrue(html.contains("<h2>AP per vertical</h2>"), html);
    Map<String, Long> classesByVertical = positives.keySet().stream().collect(
        Collectors.groupingBy(vocabulary::vertical, Collectors.counting()));
    long games = positives.entrySet().stream()
        .filter(e -> vocabulary.vertical(e.getKey()).equals("Games"))
        .mapToLong(Map.Entry::getValue).sum();
    assertTrue(html.contains("<tr><td class=\"l\">Games</td><td>" + classesByVertical
        .get("Games") + "</td><td>1.0000</td><td>" + games + "</td></tr>"), html);
    assertTrue(html.contains("<td class=\"l\">Synthetic class 0</td><td class=\"l\">Arts "
        + "&amp; Entertainment</td>"), html);

    String[] mismatched = Arrays.copyOf(args, args.length);
    mismatched[2] = "--numClasses=" + (CLASSES + 1);
    assertEquals(data.resolve("vocabulary.csv") + " names 24 classes, but the evaluation has "
        + "25: give the vocabulary of the same release", assertThrows(
            IllegalArgumentException.class, () -> run(out -> EvaluatePipeline.execute(
                PipelineOptionsFactory.fromArgs(mismatched).as(EvaluateOptions.class), out)))
        .getMessage());
  }

  @Test
  void inferenceWritesTheKaggleCsvAndANamedOneBesideIt() throws Exception {
    FeatureSpec features = FeatureSpec.parse("mean_rgb,mean_audio", "6,2");
    Path export = KnownModels.export(dir.resolve("train"), Models.LOGISTIC, features,
        KnownModels.Weights.random(8, CLASSES, 4), 2);
    SplittableRandom random = new SplittableRandom(2);
    Yt8mEncoder encoder = new Yt8mEncoder(features);
    List<byte[]> records = new ArrayList<>();
    for (int v = 0; v < 12; v++) {
      float[] values = new float[8];
      for (int d = 0; d < values.length; d++) {
        values[d] = (float) random.nextDouble(-2, 2);
      }
      records.add(encoder.encodeVideo(VideoRecord.of("v" + v, new int[0], values), false));
    }
    ShardFiles.write(dir.resolve("test0.tfrecord"), records);
    Path data = dir.resolve("data");
    generate(data, CLASSES);
    Path csv = dir.resolve("predictions.csv");
    String summary = run(out -> InferPipeline.execute(PipelineOptionsFactory.fromArgs(
        "--inputDataPattern=" + dir.resolve("test0.tfrecord"), "--modelDir=" + export,
        "--outputFile=" + csv, "--topK=3", "--quiet",
        "--vocabulary=" + data.resolve("vocabulary.csv")).as(InferOptions.class), out));
    assertTrue(summary.endsWith("class names: " + dir.resolve("predictions.named.csv") + "\n"),
        summary);

    List<String> kaggle = Files.readAllLines(csv);
    List<String> named = Files.readAllLines(dir.resolve("predictions.named.csv"));
    assertEquals(PredictionLineParser.HEADER, kaggle.get(0));
    assertEquals("VideoId,LabelConfidencePairs,ClassNames", named.get(0));
    assertEquals(13, named.size());
    PredictionLineParser parser = new PredictionLineParser(CLASSES);
    for (int i = 1; i < kaggle.size(); i++) {
      int[] ranked = parser.parse(kaggle.get(i)).ranked();
      assertEquals(kaggle.get(i) + "," + CsvField.escape(Arrays.stream(ranked)
          .mapToObj(c -> "Synthetic class " + c).collect(Collectors.joining("; "))),
          named.get(i));
    }
  }
}
