package org.yt8m.transforms.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.Yt8mIO;
import org.yt8m.transforms.testing.ShardFiles;
import org.yt8m.transforms.testing.TestPipelines;

/**
 * Scoring on the DirectRunner with a model exported with known weights: the CSV it writes holds
 * the top-k worked out by hand, whatever the batch size, with one model load per JVM.
 */
class ScoreVideosTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "5,3");
  static final int CLASSES = 9;
  static final KnownModels.Weights WEIGHTS = KnownModels.Weights.random(8, CLASSES, 21);
  static final int VIDEOS = 40;

  @TempDir
  static Path dir;
  static ModelLocation model;
  static Map<String, VideoRecord> videos = new HashMap<>();

  /** Three shards; every third video without labels, as in test shards. */
  @BeforeAll
  static void exportAndWriteShards() throws Exception {
    KnownModels.export(dir.resolve("train"), Models.LOGISTIC, FEATURES, WEIGHTS, 7);
    model = ModelLocation.latestIn(dir.resolve("train").toString());
    SplittableRandom random = new SplittableRandom(3);
    Yt8mEncoder encoder = new Yt8mEncoder(FEATURES);
    List<List<byte[]>> shards = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int v = 0; v < VIDEOS; v++) {
      float[] features = new float[8];
      for (int d = 0; d < features.length; d++) {
        features[d] = (float) random.nextDouble(-2, 2);
      }
      VideoRecord video = VideoRecord.of(String.format("vid%02d", v),
          v % 3 == 0 ? new int[0] : new int[] {v % CLASSES}, features);
      videos.put(video.id(), video);
      shards.get(v % 3).add(encoder.encodeVideo(video, v % 3 != 0));
    }
    for (int s = 0; s < 3; s++) {
      ShardFiles.write(dir.resolve("test000" + s + ".tfrecord"), shards.get(s));
    }
  }

  static ReadResult<VideoRecord> read(Pipeline pipeline) {
    return pipeline.apply("Read", Yt8mIO.readVideos(dir.resolve("test*.tfrecord").toString())
        .withFeatures(FEATURES).withNumClasses(CLASSES));
  }

  /** Scores with {@code batchSize}, writes the CSV, returns the run's result. */
  static PipelineResult scoreToCsv(Path csv, int batchSize, int parallelism) {
    Pipeline pipeline = TestPipelines.create();
    pipeline.getOptions().as(DirectOptions.class).setTargetParallelism(parallelism);
    read(pipeline).records()
        .apply("Score", ScoreVideos.with(model).withBatchSize(batchSize).withTopK(4))
        .apply("Write", WritePredictionsCsv.to(csv.toString()));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    return result;
  }

  static DistributionResult distribution(PipelineResult result, String name) {
    DistributionResult total = DistributionResult.IDENTITY_ELEMENT;
    for (MetricResult<DistributionResult> d : result.metrics().queryMetrics(MetricsFilter
        .builder().addNameFilter(MetricNameFilter.named(ScoreVideos.class, name)).build())
        .getDistributions()) {
      DistributionResult c = d.getCommitted();
      total = DistributionResult.create(total.getSum() + c.getSum(),
          total.getCount() + c.getCount(), Math.min(total.getMin(), c.getMin()),
          Math.max(total.getMax(), c.getMax()));
    }
    return total;
  }

  @Test
  void theCsvHoldsTheTopKWorkedOutByHandForEveryVideo() throws Exception {
    Path csv = dir.resolve("hand.csv");
    PipelineResult result = scoreToCsv(csv, 16, 1);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(PredictionLineParser.HEADER, lines.get(0));
    assertEquals(VIDEOS + 1, lines.size(), "one line per video, labelled or not");
    PredictionLineParser parser = new PredictionLineParser(CLASSES);
    for (int v = 0; v < VIDEOS; v++) {
      String line = lines.get(v + 1);
      assertTrue(line.matches(String.format("vid%02d(,| )(\\d [0-9.e-]+ ?){4}", v)
          .replace("(,| )", ",")), line);
      PredictionLineParser.Parsed parsed = parser.parse(line);
      double[] expected = KnownModels.probabilities(videos.get(parsed.id()).features(), WEIGHTS);
      assertArrayEquals(KnownModels.topK(expected, 4), parsed.ranked(), line);
      for (int i = 0; i < 4; i++) {
        assertEquals(expected[parsed.ranked()[i]], parsed.scores()[i], 2e-6, line);
      }
    }
    assertEquals(VIDEOS, TestPipelines.counter(result, ScoreVideos.class, "videos_scored"));
  }

  /**
   * Batching changes no prediction; batches fill up within a bundle (on the DirectRunner a
   * bundle is a shard's records, so at most one short batch per shard). Scores agree to within
   * float rounding, not always to the bit: TensorFlow's CPU kernels take other code paths for
   * other batch shapes (and rows of a batch), so a score may differ in its last bit, and then,
   * rarely, in its sixth printed digit.
   */
  @Test
  void batchesOfOneSevenAnd512GiveTheSamePredictions() throws Exception {
    Map<Integer, List<String>> files = new HashMap<>();
    for (int batchSize : new int[] {1, 7, 512}) {
      Path csv = dir.resolve("batch" + batchSize + ".csv");
      PipelineResult result = scoreToCsv(csv, batchSize, 3);
      files.put(batchSize, Files.readAllLines(csv));
      DistributionResult sizes = distribution(result, "batch_size");
      assertEquals(VIDEOS, sizes.getSum());
      assertEquals(Math.min(batchSize, 14), sizes.getMax(), "shards hold 14, 13 and 13 videos");
      long fullBatches = 13 / batchSize * 2 + 14 / batchSize;
      assertTrue(sizes.getCount() <= fullBatches + 3, batchSize + ": " + sizes);
      assertEquals(sizes.getCount(),
          TestPipelines.counter(result, ScoreVideos.class, "batches_scored"));
    }
    PredictionLineParser parser = new PredictionLineParser(CLASSES);
    for (int batchSize : new int[] {7, 512}) {
      List<String> lines = files.get(batchSize);
      assertEquals(files.get(1).size(), lines.size());
      for (int i = 1; i < lines.size(); i++) {
        PredictionLineParser.Parsed one = parser.parse(files.get(1).get(i));
        PredictionLineParser.Parsed other = parser.parse(lines.get(i));
        assertEquals(one.id(), other.id());
        assertArrayEquals(one.ranked(), other.ranked(), lines.get(i));
        // Printed to 6 digits: a last-bit difference may move the last digit by one.
        assertArrayEquals(one.scores(), other.scores(), 1.5e-6f, lines.get(i));
      }
    }
  }

  /**
   * Scoring inside the read ({@link ScoreVideos#inRead}), and the CSV's lines sorted into runs
   * there too ({@link WritePredictionsCsv#runsInRead}), write the same file as the scoring step
   * and the write's own sort; scoring batches within each shard (14, 13 and 13 videos: two full
   * batches of 5 and a short one each) and keeps the step's metrics; the runs go with the
   * staging directory.
   */
  @Test
  void scoringAndSortingInsideTheReadWriteTheStepsCsv() throws Exception {
    Path step = dir.resolve("in-read/step.csv");
    scoreToCsv(step, 5, 3);
    Path inRead = dir.resolve("in-read/read.csv");
    Pipeline pipeline = TestPipelines.create();
    pipeline.getOptions().as(DirectOptions.class).setTargetParallelism(3);
    WritePredictionsCsv write = WritePredictionsCsv.to(inRead.toString());
    pipeline.apply("ReadScoreAndSort", Yt8mIO.readVideos(dir.resolve("test*.tfrecord")
            .toString()).withFeatures(FEATURES).withNumClasses(CLASSES)
            .through(ScoreVideos.with(model).withBatchSize(5).withTopK(4).inRead()
                .then(write.runsInRead())))
        .records().apply("Write", write.fromRuns());
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(Files.readString(step), Files.readString(inRead));
    DistributionResult sizes = distribution(result, "batch_size");
    assertEquals(VIDEOS, sizes.getSum());
    assertEquals(9, sizes.getCount(), "per shard: 5, 5 and the rest: " + sizes);
    assertEquals(3, sizes.getMin());
    assertEquals(VIDEOS, TestPipelines.counter(result, ScoreVideos.class, "videos_scored"));
    assertEquals(1, distribution(result, "model_load_ms").getCount());
    try (Stream<Path> files = Files.list(dir.resolve("in-read"))) {
      assertEquals(List.of("read.csv", "read.csv.manifest.json", "step.csv",
          "step.csv.manifest.json"), files.map(f -> f.getFileName().toString()).sorted()
          .toList(), "no staging directory or run is left");
    }
  }

  @Test
  void theModelLoadsOnceWhateverTheNumberOfDoFnInstances() throws Exception {
    PipelineResult result = scoreToCsv(dir.resolve("threads.csv"), 2, 4);
    DistributionResult loads = distribution(result, "model_load_ms");
    assertEquals(1, loads.getCount(), "one load: " + loads);
    assertTrue(distribution(result, "batch_latency_ms").getCount() >= 20);
  }

  static final KnownModels.Weights FRAME_WEIGHTS = KnownModels.Weights.random(6, CLASSES, 8);
  static final Map<String, FrameRecord> FRAME_VIDEOS = new HashMap<>();

  @Test
  void frameLevelVideosOfDifferentLengthsScoreAsByHand() throws Exception {
    FeatureSpec frames = FeatureSpec.parse("rgb,audio", "4,2");
    KnownModels.export(dir.resolve("frames-train"), Models.FRAME_LEVEL_LOGISTIC, frames,
        FRAME_WEIGHTS, 2);
    SplittableRandom random = new SplittableRandom(12);
    Yt8mEncoder encoder = new Yt8mEncoder(frames);
    List<byte[]> records = new ArrayList<>();
    for (int count : new int[] {1, 7, 3, 12, 5}) {
      byte[] bytes = new byte[count * 6];
      random.nextBytes(bytes);
      FrameRecord video = FrameRecord.of("f" + count, new int[0], count, 6, bytes);
      FRAME_VIDEOS.put(video.id(), video);
      records.add(encoder.encodeFrames(video, false));
    }
    ShardFiles.write(dir.resolve("frames.tfrecord"), records);

    Pipeline pipeline = TestPipelines.create();
    ModelLocation frameModel = ModelLocation.latestIn(dir.resolve("frames-train").toString());
    PAssert.that(pipeline
        .apply(Yt8mIO.readFrames(dir.resolve("frames.tfrecord").toString())
            .withFeatures(frames).withNumClasses(CLASSES)).records()
        .apply(ScoreVideos.with(frameModel).withBatchSize(3).withTopK(2)))
        .satisfies(predictions -> {
          int seen = 0;
          for (VideoPredictions p : predictions) {
            double[] expected = KnownModels.probabilities(FRAME_VIDEOS.get(p.id()),
                FRAME_WEIGHTS);
            assertArrayEquals(KnownModels.topK(expected, 2), p.ranked(), p.id());
            assertEquals(expected[p.ranked()[0]], p.scores()[0], 2e-6, p.id());
            seen++;
          }
          assertEquals(5, seen);
          return null;
        });
    pipeline.run();
  }

  @Test
  void aModelOfTheOtherLevelOrATopKBeyondItsClassesIsRefusedWhenBuilt() {
    Pipeline pipeline = TestPipelines.create();
    ReadResult<FrameRecord> frames = pipeline.apply(Yt8mIO.readFrames("x*.tfrecord"));
    IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
        () -> frames.records().apply(ScoreVideos.with(model).withTopK(3)));
    assertEquals("LogisticModel is a video-level model: it cannot score frame-level records",
        level.getMessage());
    IllegalArgumentException topK = assertThrows(IllegalArgumentException.class,
        () -> read(pipeline).records().apply(ScoreVideos.with(model).withTopK(10)));
    assertEquals("topK must lie in [1, 9] (the model's classes scored by LogisticModel at "
        + dir.resolve("train/export/step_7") + "), got 10", topK.getMessage());
  }
}
