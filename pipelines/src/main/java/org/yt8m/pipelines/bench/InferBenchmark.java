package org.yt8m.pipelines.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.TrainerSettings;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.pipelines.JobRunner;
import org.yt8m.pipelines.infer.InferOptions;
import org.yt8m.pipelines.infer.InferPipeline;
import org.yt8m.transforms.infer.ScoreVideos;

/**
 * {@code scripts/bench infer}: videos scored per second on generated video-level test shards
 * (1152 features, 3862 classes), per model (LogisticModel and MoeModel, each exported after a
 * few training steps), in one run: (a) the model alone on one pre-built batch, one calling
 * thread; (b) a plain Java loop in one thread that reads, parses, scores in batches, formats
 * and writes the CSV; (c) the infer pipeline on the DirectRunner as the launcher runs it
 * (its checks off), first run in the JVM, then the best of two more (warmed up). Ratios are to
 * (a): how much of the model's speed the whole job keeps.
 */
public final class InferBenchmark {
  private static final FeatureSpec FEATURES = FeatureSpec.VIDEO_DEFAULT;
  private static final int CLASSES = 3862;
  private static final int SHARDS = 4;
  private static final int TOP_K = 20;

  private InferBenchmark() {}

  public static void main(String[] args) throws Exception {
    int videos = 100_000;
    int batchSize = 512;
    List<String> models = List.of("LogisticModel", "MoeModel");
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "yt8m-bench-infer");
    for (String arg : args) {
      if (arg.startsWith("--videos=")) {
        videos = Integer.parseInt(arg.substring("--videos=".length()));
      } else if (arg.startsWith("--batchSize=")) {
        batchSize = Integer.parseInt(arg.substring("--batchSize=".length()));
      } else if (arg.startsWith("--models=")) {
        models = List.of(arg.substring("--models=".length()).split(","));
      } else if (arg.startsWith("--workDir=")) {
        work = Paths.get(arg.substring("--workDir=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (known: --videos=N "
            + "--batchSize=N --models=A,B --workDir=DIR)");
      }
    }
    Path data = work.resolve(videos + "-videos");
    List<Path> shards = generate(data, new SyntheticShards("test", videos, SHARDS, false, 1,
        1));
    System.out.printf(Locale.ROOT, "%,d video-level test videos in %d shards, %d classes, "
        + "batches of %d, top %d; %d cores; no GPU (CPU natives)%n", videos, SHARDS, CLASSES,
        batchSize, TOP_K, Runtime.getRuntime().availableProcessors());
    for (String model : models) {
      Path trainDir = work.resolve("train-" + model);
      Path export = trainedExport(trainDir, model, work.resolve("train-data"));
      measure(model, export, trainDir, shards, data, batchSize, videos, work);
    }
  }

  private static void measure(String model, Path export, Path trainDir, List<Path> shards,
      Path data, int batchSize, int videos, Path work) throws Exception {
    Measured modelOnly;
    Measured loop;
    Path loopCsv = work.resolve("loop-" + model + ".csv");
    try (ExportedModel exported = ExportedModel.load(export, 1)) {
      List<VideoRecord> batch = read(shards.get(0)).subList(0, batchSize);
      for (int i = 0; i < 3; i++) {
        exported.score(batch, TOP_K);
      }
      modelOnly = time(() -> modelAlone(exported, batch));
      plainLoop(exported, shards.subList(0, 1), batchSize, work.resolve("warm-up.csv"));
      loop = time(() -> plainLoop(exported, shards, batchSize, loopCsv));
    }
    Path pipelineCsv = work.resolve("pipeline-" + model + ".csv");
    Measured cold = time(() -> pipeline(data, trainDir, batchSize, pipelineCsv, videos));
    // Warming up the pipeline's code takes more than one run: the best of two more is kept.
    Measured warm = null;
    for (int run = 0; run < 2; run++) {
      Measured again = time(() -> pipeline(data, trainDir, batchSize, pipelineCsv, videos));
      warm = warm == null || again.seconds() < warm.seconds() ? again : warm;
    }

    System.out.printf(Locale.ROOT, "%n%s%n%-62s %9s %7s %13s %7s%n", model, "", "videos/s",
        "vs (a)", "CPU ms/1000", "vs (a)");
    row("(a) model alone, one pre-built batch, 1 calling thread", modelOnly, modelOnly);
    row("(b) plain loop: read, parse, score, format, write; 1 thread", loop, modelOnly);
    row("(c) infer pipeline, DirectRunner (checks off), first run", cold, modelOnly);
    row("(c') the same pipeline, best of 2 more runs in the JVM", warm, modelOnly);
    List<String> loopLines = Files.readAllLines(loopCsv);
    List<String> pipelineLines = Files.readAllLines(pipelineCsv);
    long differing = 0;
    for (int i = 0; i < Math.min(loopLines.size(), pipelineLines.size()); i++) {
      differing += loopLines.get(i).equals(pipelineLines.get(i)) ? 0 : 1;
    }
    System.out.printf(Locale.ROOT, "CSV of (b) and (c): %,d and %,d lines, %d lines differ%n",
        loopLines.size(), pipelineLines.size(), differing);
  }

  /** What one variant did: videos scored in wall-clock and process-CPU seconds. */
  private record Measured(long videos, double seconds, double cpuSeconds) {
    double rate() {
      return videos / seconds;
    }

    /** CPU per 1,000 videos: what the variant costs, little changed by other processes. */
    double cpuMillisPerThousand() {
      return cpuSeconds * 1e6 / videos;
    }
  }

  /** A variant's run, returning how many videos it scored. */
  @FunctionalInterface
  private interface Variant {
    long run() throws Exception;
  }

  private static Measured time(Variant variant) throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean();
    long start = System.nanoTime();
    long cpu = os.getProcessCpuTime();
    long videos = variant.run();
    return new Measured(videos, seconds(start), (os.getProcessCpuTime() - cpu) / 1e9);
  }

  private static void row(String name, Measured measured, Measured modelOnly) {
    System.out.printf(Locale.ROOT, "%-62s %,9.0f %6.2fx %,13.0f %6.2fx%n", name,
        measured.rate(), measured.rate() / modelOnly.rate(), measured.cpuMillisPerThousand(),
        measured.cpuMillisPerThousand() / modelOnly.cpuMillisPerThousand());
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** The batch scored again and again for 5 seconds; the videos scored. */
  static long modelAlone(ExportedModel model, List<VideoRecord> batch)
      throws Exception {
    long start = System.nanoTime();
    long scored = 0;
    while (seconds(start) < 5) {
      scored += model.score(batch, TOP_K).size();
    }
    return scored;
  }

  /**
   * What the pipeline does, in one thread: shard by shard, batches of {@code batchSize} (the
   * last of a shard shorter, as a bundle's), lines formatted, sorted by id, written.
   */
  private static long plainLoop(ExportedModel model, List<Path> shards, int batchSize,
      Path csv) throws Exception {
    Yt8mDecoder decoder = new Yt8mDecoder(FEATURES, CLASSES, 300);
    List<String> lines = new ArrayList<>();
    List<VideoRecord> batch = new ArrayList<>(batchSize);
    for (Path shard : shards) {
      try (TfRecordReader reader = new TfRecordReader(shard.toString(),
          new BufferedInputStream(Files.newInputStream(shard), 1 << 20))) {
        while (reader.next()) {
          batch.add(decoder.decodeVideo(reader.buffer(), reader.length()));
          if (batch.size() == batchSize) {
            format(model.score(batch, TOP_K), batch, lines);
          }
        }
      }
      if (!batch.isEmpty()) {
        format(model.score(batch, TOP_K), batch, lines);
      }
    }
    lines.sort(null);
    try (BufferedWriter out = Files.newBufferedWriter(csv, UTF_8)) {
      out.write(PredictionLineParser.HEADER + "\n");
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
    }
    return lines.size();
  }

  private static void format(TopKBatch top, List<VideoRecord> batch, List<String> lines) {
    for (int i = 0; i < batch.size(); i++) {
      lines.add(ScoreFormat.predictionLine(batch.get(i).id(), top.classesOf(i),
          top.scoresOf(i)));
    }
    batch.clear();
  }

  /** One run of the infer pipeline; {@code videos}, after checking its batches filled up. */
  private static long pipeline(Path data, Path trainDir, int batchSize, Path csv, long videos)
      throws Exception {
    InferOptions options = PipelineOptionsFactory.fromArgs(
        "--inputDataPattern=" + data.resolve("test*.tfrecord"), "--trainDir=" + trainDir,
        "--outputFile=" + csv, "--batchSize=" + batchSize, "--topK=" + TOP_K)
        .as(InferOptions.class);
    options.as(DirectOptions.class).setEnforceImmutability(false);
    options.as(DirectOptions.class).setEnforceEncodability(false);
    PipelineResult result = InferPipeline.run(options);
    JobRunner.awaitSuccess(result);
    DistributionResult batches = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ScoreVideos.class, "batch_size")).build())
        .getDistributions().iterator().next().getCommitted();
    if (batches.getSum() != videos || batches.getCount() > videos / batchSize + SHARDS) {
      throw new IllegalStateException("batches did not fill up: " + batches);
    }
    return videos;
  }

  static List<VideoRecord> read(Path shard) throws Exception {
    List<VideoRecord> records = new ArrayList<>();
    ShardFiles.forEachVideo(List.of(shard), CLASSES, records::add);
    return records;
  }

  /** The split's shards, written unless there already. */
  private static List<Path> generate(Path dir, SyntheticShards split) throws Exception {
    return ShardFiles.generate(dir, split, CLASSES);
  }

  /** {@code model} trained for 5 steps of 256 videos and exported, unless done before. */
  static Path trainedExport(Path trainDir, String model, Path trainData)
      throws Exception {
    Exports exports = new Exports(TrainDir.local(trainDir));
    if (exports.latest().isEmpty()) {
      System.out.println("training " + model + " for 5 steps in " + trainDir + "...");
      List<ShardSource> shards = new ArrayList<>();
      for (Path shard : generate(trainData, new SyntheticShards("train", 4096, 2, false, 1,
          1))) {
        shards.add(ShardSource.of(shard));
      }
      ModelFlags flags = new ModelFlags(model, FEATURES, false, "CrossEntropyLoss", CLASSES,
          ModelConfig.DEFAULTS);
      TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.byName(model), flags.config(),
          FEATURES.totalSize(), CLASSES, LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM,
          0.01f, 0.95f, 4_000_000L, 256, 1f, 0L);
      new Trainer(TrainDir.local(trainDir), flags, spec,
          new TrainerSettings(0, 5, 5, true, 5, 2, 0, 1L), shards, 4096, line -> { }).run();
    }
    return trainDir.resolve(exports.latest().orElseThrow());
  }
}
