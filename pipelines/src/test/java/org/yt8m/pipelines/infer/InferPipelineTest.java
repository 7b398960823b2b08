package org.yt8m.pipelines.infer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.testing.SharedData;
import org.yt8m.transforms.testing.ShardFiles;

/**
 * {@code yt8m infer} end to end on the DirectRunner: a model exported with known weights scores
 * shards to the CSV worked out by hand; flags are checked against its model_flags.json.
 */
class InferPipelineTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "6,2");
  static final int CLASSES = 12;
  static final KnownModels.Weights WEIGHTS = KnownModels.Weights.random(8, CLASSES, 17);

  @TempDir
  static Path dir;
  static Path train;
  static Map<String, VideoRecord> videos = new HashMap<>();

  /** Two shards of 30 videos (a third labelled), plus a malformed record and one without audio. */
  @BeforeAll
  static void exportAndWriteShards() throws Exception {
    train = dir.resolve("train");
    KnownModels.export(train, Models.LOGISTIC, FEATURES, WEIGHTS, 5);
    SplittableRandom random = new SplittableRandom(5);
    Yt8mEncoder encoder = new Yt8mEncoder(FEATURES);
    for (int shard = 0; shard < 2; shard++) {
      List<byte[]> records = new ArrayList<>();
      for (int v = 0; v < 30; v++) {
        float[] features = new float[8];
        for (int d = 0; d < 8; d++) {
          features[d] = (float) random.nextDouble(-2, 2);
        }
        VideoRecord video = VideoRecord.of("s" + shard + "v" + v,
            v % 3 == 0 ? new int[] {v % CLASSES} : new int[0], features);
        videos.put(video.id(), video);
        records.add(encoder.encodeVideo(video, video.hasLabels()));
      }
      if (shard == 1) {
        records.add(new byte[] {0x0a, 0x7f, 0x01});
        records.add(new Yt8mEncoder(FeatureSpec.parse("mean_rgb", "6")).encodeVideo(
            VideoRecord.of("noaudio", new int[0], new float[6]), false));
      }
      ShardFiles.write(dir.resolve("test000" + shard + ".tfrecord"), records);
    }
  }

  static String infer(String... args) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    InferPipeline.execute(PipelineOptionsFactory.fromArgs(args).withValidation()
        .as(InferOptions.class), new PrintStream(text, true, UTF_8));
    return text.toString(UTF_8);
  }

  static String shards() {
    return "--inputDataPattern=" + dir.resolve("test*.tfrecord");
  }

  static void assertHandComputed(List<String> lines, int k) throws Exception {
    PredictionLineParser parser = new PredictionLineParser(CLASSES);
    for (String line : lines) {
      PredictionLineParser.Parsed parsed = parser.parse(line);
      double[] expected = KnownModels.probabilities(videos.get(parsed.id()).features(), WEIGHTS);
      assertArrayEquals(KnownModels.topK(expected, k), parsed.ranked(), line);
      for (int i = 0; i < k; i++) {
        assertEquals(expected[parsed.ranked()[i]], parsed.scores()[i], 2e-6, line);
      }
    }
  }

  @Test
  void scoresEveryVideoAndDeadLettersTheBadRecords() throws Exception {
    Path csv = dir.resolve("predictions.csv");
    String summary = infer(shards(), "--trainDir=" + train, "--outputFile=" + csv, "--topK=5",
        "--batchSize=8");
    List<String> lines = Files.readAllLines(csv);
    assertEquals("VideoId,LabelConfidencePairs", lines.get(0));
    List<String> body = lines.subList(1, lines.size());
    assertEquals(60, body.size(), "one line per valid video, labelled or not");
    assertEquals(videos.keySet().stream().sorted().toList(),
        body.stream().map(l -> l.substring(0, l.indexOf(','))).toList(), "sorted by id");
    assertHandComputed(body, 5);
    assertTrue(summary.startsWith("scored 60 videos with LogisticModel ("
        + train.resolve("export/step_5") + ") in "), summary);
    assertTrue(summary.contains("\ndead letters: 2 (malformed 1, missing_feature 1)\n"), summary);
    assertTrue(summary.endsWith("wrote " + csv + "\n"), summary);
  }

  /** One export named directly, the model's own reader values repeated, output in shards. */
  @Test
  void scoresWithOneExportIntoShards() throws Exception {
    Path csv = dir.resolve("sharded/predictions.csv");
    String summary = infer(shards(), "--modelDir=" + train.resolve("export/step_5"),
        "--outputFile=" + csv, "--numShards=2", "--topK=12", "--featureSizes=6, 2",
        "--numClasses=12");
    List<String> body = new ArrayList<>();
    for (int shard = 0; shard < 2; shard++) {
      List<String> lines = Files.readAllLines(dir.resolve("sharded/predictions-0000" + shard
          + "-of-00002.csv"));
      assertEquals("VideoId,LabelConfidencePairs", lines.get(0));
      body.addAll(lines.subList(1, lines.size()));
    }
    assertEquals(60, body.size());
    assertHandComputed(body, CLASSES);
    assertTrue(summary.endsWith("wrote 2 files: " + dir.resolve(
        "sharded/predictions-00000-of-00002.csv") + " ... " + dir.resolve(
        "sharded/predictions-00001-of-00002.csv") + "\n"), summary);
  }

  @Test
  void aReaderFlagContradictingTheModelIsAnErrorNamingIt() {
    IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
        () -> infer(shards(), "--trainDir=" + train, "--outputFile=x.csv", "--topK=3",
            "--featureSizes=6,3"));
    assertEquals("--featureSizes=6,3 contradicts the model: " + train.resolve("export/step_5")
        + "/model_flags.json has feature_sizes 6,2. Leave the flag out: infer reads the shards "
        + "as the model was trained.", sizes.getMessage());
    IllegalArgumentException frames = assertThrows(IllegalArgumentException.class,
        () -> infer(shards(), "--trainDir=" + train, "--outputFile=x.csv", "--topK=3",
            "--frameFeatures=true"));
    assertTrue(frames.getMessage().startsWith("--frameFeatures=true contradicts the model"),
        frames.getMessage());
  }

  @Test
  void aTopKBeyondTheModelsClassesIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> infer(shards(), "--trainDir=" + train, "--outputFile=x.csv", "--topK=13"));
    assertEquals("--topK=13 is more than the 12 classes of the model "
        + train.resolve("export/step_5"), e.getMessage());
  }

  @Test
  void theModelIsNamedOnceAndSegmentFlagsNeedSegmentMode() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> infer(shards(), "--outputFile=x.csv")).getMessage().startsWith("give --trainDir"));
    assertEquals("give --trainDir or --modelDir, not both", assertThrows(
        IllegalArgumentException.class, () -> infer(shards(), "--outputFile=x.csv",
            "--trainDir=" + train, "--modelDir=" + train)).getMessage());
    assertEquals("--segmentLabelIdsFile chooses the classes of a segment submission: it needs "
        + "--segmentLabels", assertThrows(IllegalArgumentException.class,
            () -> infer(shards(), "--outputFile=x.csv", "--trainDir=" + train,
                "--segmentLabelIdsFile=ids.csv")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> infer(shards(),
        "--outputFile=x.csv", "--trainDir=" + train, "--topK=3", "--segmentLabels"))
        .getMessage().startsWith("--segmentLabels scores 5-frame segments of frame-level "
            + "shards, but LogisticModel"));
  }

  /**
   * The 2019 submission, worked out by hand: each 5-frame segment's 2 best classes among the
   * listed ones, then per class its 3 best segments.
   */
  @Test
  void segmentModeWritesEachClassesBestSegments() throws Exception {
    FeatureSpec frames = FeatureSpec.parse("rgb,audio", "3,2");
    KnownModels.Weights weights = KnownModels.Weights.random(5, 8, 23);
    Path frameTrain = dir.resolve("frame-train");
    KnownModels.export(frameTrain, Models.FRAME_LEVEL_LOGISTIC, frames, weights, 1);
    SplittableRandom random = new SplittableRandom(6);
    List<FrameRecord> records = new ArrayList<>();
    for (int count : new int[] {12, 7, 3}) {
      byte[] bytes = new byte[count * 5];
      random.nextBytes(bytes);
      records.add(FrameRecord.of("v" + count, new int[0], count, 5, bytes));
    }
    Yt8mEncoder encoder = new Yt8mEncoder(frames);
    ShardFiles.write(dir.resolve("segments.tfrecord"), records.stream()
        .map(r -> encoder.encodeFrames(r, false)).toList());
    Path ids = Files.writeString(dir.resolve("ids.csv"), "Index\n1\n4\n6\n");

    Map<Integer, List<Map.Entry<String, Double>>> byClass = new TreeMap<>();
    for (FrameRecord video : records) {
      for (int start = 0; start < video.numFrames(); start += 5) {
        int count = Math.min(5, video.numFrames() - start);
        FrameRecord segment = FrameRecord.of(video.id() + ":" + start, new int[0], count, 5,
            Arrays.copyOfRange(video.quantizedFrames(), start * 5,
                (start + count) * 5));
        double[] p = KnownModels.probabilities(segment, weights);
        double[] listed = new double[8];
        Arrays.fill(listed, -1);
        for (int c : new int[] {1, 4, 6}) {
          listed[c] = p[c];
        }
        for (int c : KnownModels.topK(listed, 2)) {
          byClass.computeIfAbsent(c, x -> new ArrayList<>()).add(Map.entry(segment.id(), p[c]));
        }
      }
    }
    List<String> expected = new ArrayList<>(List.of("Class,Segments"));
    byClass.forEach((c, segments) -> expected.add(c + "," + segments.stream()
        .sorted(Comparator.<Map.Entry<String, Double>>comparingDouble(e -> -e.getValue())
            .thenComparing(Map.Entry::getKey))
        .limit(3).map(Map.Entry::getKey).collect(Collectors.joining(" "))));

    Path csv = dir.resolve("segments.csv");
    String summary = infer("--inputDataPattern=" + dir.resolve("segments.tfrecord"),
        "--trainDir=" + frameTrain, "--outputFile=" + csv, "--segmentLabels",
        "--segmentLabelIdsFile=" + ids, "--topK=2", "--segmentMaxPred=3");
    assertEquals(expected, Files.readAllLines(csv));
    assertTrue(summary.startsWith("scored 6 segments of 3 videos with FrameLevelLogisticModel"),
        summary);
  }

  /** infer once replaced its own input shard with a CSV and exited 0. */
  @Test
  void anOutputThatIsAnInputIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path shard = dir.resolve("test0000.tfrecord");
    byte[] before = Files.readAllBytes(shard);
    for (String spelling : List.of(shard.toString(), dir.resolve("train/../test0000.tfrecord")
        .toString())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> infer(shards(), "--trainDir=" + train, "--outputFile=" + spelling,
              "--topK=3"));
      assertEquals("--outputFile=" + spelling + " is an input: " + shard
          + ", which " + shards() + " matches. Write outputs apart from the inputs.",
          e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(shard), "the shard is untouched");
  }

  /** The model is an input too: infer once replaced its export's graph with a CSV. */
  @Test
  void anOutputInsideTheModelIsRefused() throws Exception {
    Path graph = train.resolve("export").resolve(Files.readString(
        train.resolve("export/latest")).strip()).resolve("saved_model.pb");
    byte[] before = Files.readAllBytes(graph);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> infer(shards(), "--trainDir=" + train, "--outputFile=" + graph, "--topK=3"));
    assertTrue(e.getMessage().startsWith("--outputFile=" + graph + " is an input: " + graph
        + ", which --trainDir="), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(graph), "the model is untouched");
  }

  /** With --numShards, each file's name is checked. */
  @Test
  void anOutputShardThatIsAnInputIsRefused(@TempDir Path own) throws Exception {
    Path part = Files.copy(dir.resolve("test0000.tfrecord"),
        own.resolve("part-00001-of-00002.tfrecord"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> infer("--inputDataPattern=" + own.resolve("*.tfrecord"), "--trainDir=" + train,
            "--outputFile=" + own.resolve("part.tfrecord"), "--numShards=2", "--topK=3"));
    assertEquals("--outputFile=" + part + " is an input: " + part
        + ", which --inputDataPattern=" + own.resolve("*.tfrecord") + " matches. Write outputs "
        + "apart from the inputs.", e.getMessage());
  }

  /** Labels are not used in inference: a video with labels the model lacks is scored. */
  @Test
  void videosWithLabelsTheModelDoesNotKnowAreScoredAndCounted(@TempDir Path own)
      throws Exception {
    VideoRecord far = VideoRecord.of("far", new int[] {3, 40}, videos.get("s0v0").features());
    ShardFiles.write(own.resolve("test0000.tfrecord"),
        List.of(new Yt8mEncoder(FEATURES).encodeVideo(far, true)));
    Path csv = own.resolve("predictions.csv");
    String summary = infer("--inputDataPattern=" + own.resolve("test*.tfrecord"),
        "--trainDir=" + train, "--outputFile=" + csv, "--topK=3");
    assertEquals(2, Files.readAllLines(csv).size());
    assertTrue(Files.readAllLines(csv).get(1).startsWith("far,"));
    assertTrue(summary.contains("\ndead letters: 0\nwarning: 1 videos have labels outside "
        + "the model's 12 classes: scored all the same (inference does not use labels)\n"),
        summary);
  }

  /** Every record a dead letter: the job failed, and says so after its summary. */
  @Test
  void scoringNothingIsAFailure(@TempDir Path own) throws Exception {
    ShardFiles.write(own.resolve("test0000.tfrecord"), List.of(new byte[] {0x0a, 0x7f, 0x01}));
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> InferPipeline.execute(PipelineOptionsFactory.fromArgs("--inputDataPattern="
            + own.resolve("test*.tfrecord"), "--trainDir=" + train, "--outputFile="
            + own.resolve("p.csv"), "--topK=3").withValidation().as(InferOptions.class),
            new PrintStream(text, true, UTF_8)));
    assertEquals("scored nothing: every one of the 1 records read is a dead letter (above)",
        e.getMessage());
    assertTrue(text.toString(UTF_8).contains("\ndead letters: 1 (malformed 1)\n"),
        text.toString(UTF_8));
  }

  /**
   * 2017 labels reach 4708: a 2018 model (3862 classes) scores those videos all the same (103
   * of the 3,419 in all ten shards; here one shard, counted with the 2017 vocabulary).
   */
  @Test
  void real2017VideosAreAllScoredByA2018Model() throws Exception {
    Path shard = SharedData.folder("yt8m-2017-video").resolve("validatea0.tfrecord");
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 4716, 300);
    int records = 0;
    int beyond2018 = 0;
    try (TfRecordReader reader = new TfRecordReader(shard.toString(),
        Files.newInputStream(shard))) {
      while (reader.next()) {
        int[] labels = decoder.decodeVideo(reader.buffer(), reader.length()).labels();
        records++;
        beyond2018 += labels.length > 0 && labels[labels.length - 1] >= 3862 ? 1 : 0;
      }
    }
    assertTrue(beyond2018 > 0, "the shard has videos beyond the 2018 vocabulary");
    Path model = dir.resolve("model-3862");
    KnownModels.export(model, Models.LOGISTIC, FeatureSpec.VIDEO_DEFAULT,
        KnownModels.Weights.random(1152, 3862, 4), 1);
    Path csv = dir.resolve("validate-2017.csv");
    String summary = infer("--inputDataPattern=" + shard, "--trainDir=" + model,
        "--outputFile=" + csv, "--topK=1");
    assertEquals(records + 1, Files.readAllLines(csv).size());
    assertTrue(summary.contains("\ndead letters: 0\nwarning: " + beyond2018 + " videos have "
        + "labels outside the model's 3862 classes: scored all the same (inference does not "
        + "use labels)\n"), summary);
  }

  /** The real 2017 test shards carry no labels key at all: every video gets its line. */
  @Test
  void realTestShardsWithoutLabelsGetOneLinePerVideo() throws Exception {
    Path folder = SharedData.folder("yt8m-2017-video");
    Path realTrain = dir.resolve("real-train");
    KnownModels.export(realTrain, Models.LOGISTIC, FeatureSpec.VIDEO_DEFAULT,
        KnownModels.Weights.random(1152, 10, 3), 1);
    Path csv = dir.resolve("real.csv");
    String summary = infer("--inputDataPattern=" + folder.resolve("testa*.tfrecord"),
        "--trainDir=" + realTrain, "--outputFile=" + csv, "--topK=10");
    List<String> lines = Files.readAllLines(csv);
    assertEquals(1709 + 1, lines.size());
    assertEquals(1709, lines.stream().skip(1).map(l -> l.substring(0, l.indexOf(',')))
        .distinct().count());
    assertTrue(lines.stream().skip(1).allMatch(l -> l.split(" ").length == 20), "10 pairs");
    assertTrue(summary.startsWith("scored 1,709 videos with LogisticModel"), summary);
    assertTrue(summary.contains("\ndead letters: 0\n"), summary);
  }
}
