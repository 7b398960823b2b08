package org.yt8m.pipelines.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.metrics.TopK;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.evaluate.EvaluateOptions;
import org.yt8m.pipelines.evaluate.EvaluatePipeline;

/**
 * {@code scripts/bench evaluate}: scoring a predictions file against video-level shards, in one
 * run on the same generated data: (a) the metric math alone on parsed videos in memory, one
 * thread; (b) a plain Java loop reading the shards and the file and computing the same metrics,
 * one thread; (c) the evaluate pipeline on the DirectRunner as the launcher runs it.
 */
public final class EvaluateBenchmark {
  private EvaluateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int videos = 100_000;
    int shards = 4;
    int classes = 3862;
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "yt8m-bench-evaluate");
    for (String arg : args) {
      if (arg.startsWith("--videos=")) {
        videos = Integer.parseInt(arg.substring("--videos=".length()));
      } else if (arg.startsWith("--workDir=")) {
        work = Paths.get(arg.substring("--workDir=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg
            + " (known: --videos=N --workDir=DIR)");
      }
    }
    Path data = work.resolve(videos + "-videos");
    Path predictions = data.resolve("predictions.csv");
    if (!Files.exists(predictions)) {
      System.out.printf(Locale.ROOT, "generating %,d videos and their predictions in %s...%n",
          videos, data);
      generate(data, new SyntheticShards("validate", videos, shards, false, 10, 330), classes,
          predictions);
    }
    System.out.printf(Locale.ROOT, "%,d video-level videos in %d shards, %d classes, top-20 "
        + "predictions; %d cores%n%n", videos, shards, classes,
        Runtime.getRuntime().availableProcessors());

    List<VideoRecord> records = readShards(data, classes);
    Map<String, PredictionLineParser.Parsed> parsed = readPredictions(predictions, classes);
    plainLoop(data, predictions, classes); // warm-up
    // The loops are timed three times and their best is kept: the baseline at its fastest.
    double metricsSeconds = Double.MAX_VALUE;
    double loopSeconds = Double.MAX_VALUE;
    EvaluationMetrics metricsOnly = null;
    EvaluationMetrics loop = null;
    for (int run = 0; run < 3; run++) {
      long start = System.nanoTime();
      metricsOnly = metricsAlone(records, parsed, classes);
      metricsSeconds = Math.min(metricsSeconds, seconds(start));
      start = System.nanoTime();
      loop = plainLoop(data, predictions, classes);
      loopSeconds = Math.min(loopSeconds, seconds(start));
    }
    // The first run of the pipeline is what a user's command costs (class loading, JIT); the
    // best of four more in the same JVM is the pipeline after that warm-up, as the loops are
    // measured (Beam's code takes a few runs to be compiled; a long job runs compiled).
    long start = System.nanoTime();
    pipeline(data, predictions, classes, work.resolve("out"));
    double coldSeconds = seconds(start);
    double warmSeconds = Double.MAX_VALUE;
    StringBuilder runs = new StringBuilder(String.format(Locale.ROOT, "%.2f", coldSeconds));
    for (int run = 0; run < 4; run++) {
      start = System.nanoTime();
      pipeline(data, predictions, classes, work.resolve("out"));
      runs.append(String.format(Locale.ROOT, ", %.2f", seconds(start)));
      warmSeconds = Math.min(warmSeconds, seconds(start));
    }

    System.out.printf(Locale.ROOT, "%-70s %10s %8s%n", "", "videos/s", "vs (b)");
    row("(a) metric math alone, parsed videos in memory, 1 thread, best of 3", videos,
        metricsSeconds,
        loopSeconds);
    row("(b) plain loop: read shards + CSV, join, metrics, 1 thread, best of 3", videos,
        loopSeconds, loopSeconds);
    row("(c) evaluate pipeline, DirectRunner (checks off), first run", videos, coldSeconds,
        loopSeconds);
    row("(d) the same pipeline, best of 4 more runs in the same JVM", videos, warmSeconds,
        loopSeconds);
    System.out.printf(Locale.ROOT, "%npipeline runs, in order: %s s%n", runs);
    System.out.printf(Locale.ROOT, "GAP %.6f, mAP %.6f (both paths agree: %s)%n",
        loop.gap(), loop.map(), Math.abs(loop.gap() - metricsOnly.gap()) < 1e-12);
  }

  private static void row(String name, int videos, double seconds, double loopSeconds) {
    System.out.printf(Locale.ROOT, "%-70s %,10.0f %7.2fx%n", name, videos / seconds,
        loopSeconds / seconds);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static EvaluationMetrics metricsAlone(List<VideoRecord> records,
      Map<String, PredictionLineParser.Parsed> predictions, int classes) {
    MetricsAccumulator accumulator = new MetricsAccumulator(classes, 20);
    for (VideoRecord record : records) {
      PredictionLineParser.Parsed video = predictions.get(record.id());
      accumulator.add(record.labels(), video.ranked(), video.scores());
    }
    return accumulator.result(false);
  }

  /**
   * Reads the predictions file into a map, then streams the shards of {@code data} through the
   * join and the metrics: what {@code evaluate --predictions} computes, in one thread.
   */
  static EvaluationMetrics plainLoop(Path data, Path predictions, int classes)
      throws Exception {
    Map<String, PredictionLineParser.Parsed> parsed = readPredictions(predictions, classes);
    MetricsAccumulator accumulator = new MetricsAccumulator(classes, 20);
    ShardFiles.forEachVideo(ShardFiles.in(data), classes, record -> {
      PredictionLineParser.Parsed video = parsed.get(record.id());
      accumulator.add(record.labels(), video.ranked(), video.scores());
    });
    return accumulator.result(false);
  }

  private static void pipeline(Path data, Path predictions, int classes, Path out)
      throws Exception {
    EvaluateOptions options = PipelineOptionsFactory.fromArgs(
        "--evalDataPattern=" + data.resolve("validate*.tfrecord"),
        "--predictions=" + predictions, "--numClasses=" + classes, "--outputDir=" + out)
        .as(EvaluateOptions.class);
    options.as(DirectOptions.class).setEnforceImmutability(false);
    options.as(DirectOptions.class).setEnforceEncodability(false);
    JobRunner.awaitSuccess(EvaluatePipeline.run(options));
  }

  private static List<VideoRecord> readShards(Path data, int classes) throws Exception {
    List<VideoRecord> records = new ArrayList<>();
    ShardFiles.forEachVideo(ShardFiles.in(data), classes, records::add);
    return records;
  }

  private static Map<String, PredictionLineParser.Parsed> readPredictions(Path file,
      int classes) throws Exception {
    PredictionLineParser parser = new PredictionLineParser(classes);
    Map<String, PredictionLineParser.Parsed> parsed = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, UTF_8)) {
      reader.readLine(); // header
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        PredictionLineParser.Parsed video = parser.parse(line);
        parsed.put(video.id(), video);
      }
    }
    return parsed;
  }

  /** Shards, and predictions that score each video's labels high and 20 random classes low. */
  private static void generate(Path data, SyntheticShards layout, int classes, Path predictions)
      throws Exception {
    ShardFiles.generate(data, layout, classes);
    writePredictions(ShardFiles.in(data), classes, predictions);
  }

  /**
   * Writes {@code predictions} (under a temporary name, then moved) for the videos of
   * {@code shards}: each video's labels scored high and 20 random classes low.
   */
  static void writePredictions(List<Path> shards, int classes, Path predictions)
      throws Exception {
    SplittableRandom random = new SplittableRandom(2);
    Path partial = predictions.resolveSibling(predictions.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(partial, UTF_8)) {
      out.write(PredictionLineParser.HEADER + "\n");
      float[] scores = new float[classes];
      ShardFiles.forEachVideo(shards, classes, record -> {
        java.util.Arrays.fill(scores, 0f);
        for (int i = 0; i < 20; i++) {
          scores[random.nextInt(classes)] = (float) random.nextDouble(0, 0.6);
        }
        for (int label : record.labels()) {
          scores[label] = (float) random.nextDouble(0.2, 1.0);
        }
        int[] top = TopK.classes(scores, 20);
        try {
          out.write(ScoreFormat.predictionLine(record.id(), top, TopK.scoresOf(scores, top))
              + "\n");
        } catch (IOException e) {
          throw new UncheckedIOException(partial + ": " + e.getMessage(), e);
        }
      });
    }
    Files.move(partial, predictions);
  }
}
