package org.yt8m.transforms.eval;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.coders.IntArrays;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.testing.TestPipelines;

/**
 * Every way a predictions file and the shards can disagree, counted, nothing dropped; the
 * metrics those of exactly the videos the join should give, however it batches and groups.
 */
class JoinAndEvaluateTest {
  @TempDir
  Path dir;

  @Test
  void countsEveryMismatch() throws Exception {
    Path file = Files.write(dir.resolve("predictions.csv"), List.of(
        "VideoId,LabelConfidencePairs",
        "ok,1 0.9 2 0.1",
        "",
        "ghost,1 0.5",
        "bad,1 NaN",
        "dup,2 0.7",
        "dup,1 0.3",
        "twice,1 0.8",
        "mixed,3 0.4"), UTF_8);
    // A second file: its lines come after the first file's (by name), so they are the duplicates.
    Path second = Files.write(dir.resolve("predictions_b.csv"), List.of(
        "twice,2 0.6",
        "ghost,3 0.2"), UTF_8);
    Pipeline pipeline = TestPipelines.create();
    ReadResult<KV<String, RankedPredictions>> predictions = pipeline.apply(
        // Ranges of a line or two: each line still numbered from the start of the file.
        PredictionsCsv.read(dir.resolve("predictions*.csv").toString()).withNumClasses(5)
            .withRangeBytes(10));
    PCollection<KV<String, int[]>> labels = pipeline.apply(Create.of(
        KV.of("ok", new int[] {1}),
        KV.of("bad", new int[] {2}), // its line is malformed: evaluated without predictions
        KV.of("dup", new int[] {2}),
        KV.of("twice", new int[] {1}),
        KV.of("twice", new int[] {3}), // two shard records: the smaller labels are kept
        KV.of("silent", new int[] {4}), // no line at all
        KV.of("mixed", new int[] {3}),
        KV.of("mixed", new int[0]), // the smaller labels, none: not evaluated
        KV.of("test", new int[0]))) // no labels: not evaluated
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IntArrays.sortedCoder()));
    JoinAndEvaluate.Result joined = labels.apply(JoinAndEvaluate.of(predictions.records(),
        EvaluateVideos.withNumClasses(5)));

    // What the join must evaluate: the first line of "dup", the smaller labels of "twice", no
    // predictions for "bad" and "silent", nothing for "ghost", "mixed" and "test".
    MetricsAccumulator expected = new MetricsAccumulator(5, 20);
    expected.add(new int[] {1}, new int[] {1, 2}, new float[] {0.9f, 0.1f});
    expected.add(new int[] {2}, new int[0], new float[0]);
    expected.add(new int[] {2}, new int[] {2}, new float[] {0.7f});
    expected.add(new int[] {1}, new int[] {1}, new float[] {0.8f});
    expected.add(new int[] {4}, new int[0], new float[0]);
    PAssert.thatSingleton(joined.metrics()).satisfies(closeTo(expected.result(false)));
    PAssert.that(joined.counts()).containsInAnyOrder(KV.of("unknown_videos", 1L),
        KV.of("videos_without_predictions", 2L), KV.of("duplicate_shard_videos", 2L),
        KV.of("unlabelled_videos", 2L), KV.of("duplicate_prediction_lines", 3L));
    PAssert.that(joined.deadLetters().apply("Duplicates", MapElements
        .into(TypeDescriptors.strings()).via(DeadLetter::toString))).containsInAnyOrder(
            file + " line 7 (id dup): duplicate_video_id: video dup already has predictions on "
                + file + " line 6",
            second + " line 1 (id twice): duplicate_video_id: video twice already has "
                + "predictions on " + file + " line 8",
            second + " line 2 (id ghost): duplicate_video_id: video ghost already has "
                + "predictions on " + file + " line 4");
    PAssert.that(predictions.deadLetters().apply("Malformed", MapElements
        .into(TypeDescriptors.strings()).via(DeadLetter::toString))).containsInAnyOrder(
            file + " line 5 (id bad): bad_score: score 'NaN' of class 1 is not a finite "
                + "decimal number");
    pipeline.run();
  }

  /** One group or seven, big batches or tiny ones, many bundles, any order: the same figures. */
  @Test
  void groupsAndBatchesChangeNothing() {
    List<VideoPredictions> videos = EvaluateVideosTest.randomVideos(300, 21);
    EvaluateVideos evaluate = EvaluateVideos.withNumClasses(40).withTopK(5);
    EvaluationMetrics whole = joinAndEvaluate(videos, 300, evaluate, 1, 1000);
    List<VideoPredictions> reversed = new ArrayList<>(videos);
    Collections.reverse(reversed);
    assertEquals(whole, joinAndEvaluate(reversed, 17, evaluate, 7, 3));

    MetricsAccumulator plain = new MetricsAccumulator(40, 5);
    videos.stream().filter(v -> v.labels().length > 0)
        .forEach(v -> plain.add(v.labels(), v.ranked(), v.scores()));
    assertArrayEquals(figures(plain.result(false)), figures(whole), 1e-12);
  }

  /** The metrics of joining {@code videos}' labels and predictions, in parts of {@code part}. */
  private static EvaluationMetrics joinAndEvaluate(List<VideoPredictions> videos, int part,
      EvaluateVideos evaluate, int groups, int batchSize) {
    String name = groups + "/" + batchSize;
    Pipeline pipeline = TestPipelines.create();
    PCollectionList<KV<String, int[]>> labels = PCollectionList.empty(pipeline);
    PCollectionList<KV<String, RankedPredictions>> predictions = PCollectionList.empty(pipeline);
    for (int start = 0; start < videos.size(); start += part) {
      List<VideoPredictions> slice = videos.subList(start, Math.min(videos.size(), start + part));
      labels = labels.and(pipeline.apply("Labels" + start, Create.of(slice.stream()
          .map(v -> KV.of(v.id(), v.labels())).toList())
          .withCoder(KvCoder.of(StringUtf8Coder.of(), IntArrays.sortedCoder()))));
      predictions = predictions.and(pipeline.apply("Predictions" + start, Create.of(slice
          .stream().map(v -> KV.of(v.id(), new RankedPredictions("p.csv",
              Long.parseLong(v.id().substring(1)) + 2, v.ranked(), v.scores()))).toList())
          .withCoder(KvCoder.of(StringUtf8Coder.of(), RankedPredictions.Coder.of()))));
    }
    PCollection<KV<String, RankedPredictions>> allPredictions = predictions
        .apply("AllPredictions", Flatten.pCollections());
    JoinAndEvaluate.Result result = labels.apply("AllLabels", Flatten.pCollections())
        .apply(JoinAndEvaluate.of(allPredictions, evaluate).withGroups(groups)
            .withBatchSize(batchSize));
    PAssert.thatSingleton(result.metrics()).satisfies(m -> {
      CAPTURED.put(name, m);
      return null;
    });
    CAPTURED.remove(name);
    pipeline.run().waitUntilFinish();
    return CAPTURED.remove(name);
  }

  /** PAssert runs its check in the same JVM on the DirectRunner: collect the value here. */
  private static final Map<String, EvaluationMetrics> CAPTURED = new ConcurrentHashMap<>();

  /** A check that the metrics' figures are within float64 rounding of {@code expected}'s. */
  static SerializableFunction<EvaluationMetrics, Void> closeTo(EvaluationMetrics expected) {
    double[] figures = figures(expected);
    return actual -> {
      assertArrayEquals(figures, figures(actual), 1e-12, actual.toString());
      return null;
    };
  }

  private static double[] figures(EvaluationMetrics metrics) {
    return new double[] {metrics.examples(), metrics.hitAtOne(), metrics.perr(), metrics.gap(),
        metrics.map(), metrics.numClassesWithPositives(), metrics.perClass().size()};
  }
}
