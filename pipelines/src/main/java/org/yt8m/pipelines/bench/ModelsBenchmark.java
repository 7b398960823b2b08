package org.yt8m.pipelines.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.TrainerSettings;
import org.yt8m.model.train.TrainingResult;
import org.yt8m.model.train.input.ShardSource;

/**
 * {@code scripts/bench models}: every model trained the same number of steps on the data
 * {@code yt8m generate --frameFeatures --frameLabels=PATTERNS} writes (labels that say which
 * frame patterns occur), in one run: its parameter count here and at the starter's defaults
 * (1152 features, 3862 classes), training examples/s, inference videos/s through its export,
 * and the export's GAP on held-out videos. The video-level models train on each video's mean
 * frame, as the releases' video-level features are, so they see what FrameLevelLogisticModel
 * sees. Prints the table of docs/MODELS.md.
 */
public final class ModelsBenchmark {
  private static final int CLASSES = 10;
  private static final int MAX_FRAMES = 20;
  private static final FeatureSpec FRAMES = FeatureSpec.parse("rgb", "32");
  private static final FeatureSpec MEANS = FeatureSpec.parse("mean_rgb", "32");
  /** Sizes for this data, as BatchNormExportTest trains them. */
  private static final ModelConfig CONFIG = new ModelConfig(2, 10, true, true, 64, 32, "max",
      "sigmoid", "MoeModel", 8, 1, MAX_FRAMES)
      .withNetVlad(new ModelConfig.NetVlad(16, 32, true, true))
      .withNextVlad(new ModelConfig.NeXtVlad(8, 32, 2, 4, 0.2f, 4));
  private static final int INFERENCE_BATCH = 256;

  private ModelsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int steps = 400;
    int batchSize = 64;
    int videos = 1024;
    int heldOut = 512;
    List<Models> models = Arrays.asList(Models.values());
    TrainingGraph.Recipe recipe = TrainingGraph.Recipe.NONE;
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "yt8m-bench-models");
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--steps=")) {
        steps = Integer.parseInt(value);
      } else if (arg.startsWith("--batchSize=")) {
        batchSize = Integer.parseInt(value);
      } else if (arg.startsWith("--videos=")) {
        videos = Integer.parseInt(value);
      } else if (arg.startsWith("--heldOut=")) {
        heldOut = Integer.parseInt(value);
      } else if (arg.startsWith("--models=")) {
        models = Arrays.stream(value.split(",")).map(Models::byName).toList();
      } else if (arg.startsWith("--warmupSteps=")) {
        recipe = recipe.withWarmupSteps(Long.parseLong(value));
      } else if (arg.startsWith("--labelSmoothing=")) {
        recipe = recipe.withLabelSmoothing(Float.parseFloat(value));
      } else if (arg.startsWith("--emaDecay=")) {
        recipe = recipe.withEmaDecay(Float.parseFloat(value));
      } else if (arg.startsWith("--workDir=")) {
        work = Paths.get(value);
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (known: --steps=N "
            + "--batchSize=N --videos=N --heldOut=N --models=A,B --warmupSteps=N "
            + "--labelSmoothing=E --emaDecay=D --workDir=DIR)");
      }
    }
    if (Files.exists(work)) {
      MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    SyntheticVideos generator = SyntheticVideos.of(1L, CLASSES, FRAMES,
        SyntheticVideos.FrameLabels.PATTERNS);
    List<FrameRecord> training = frames(generator, "t", videos, 3L);
    List<FrameRecord> testFrames = frames(generator, "h", heldOut, 99L);
    List<ShardSource> frameShards = List.of(ShardSource.of(write(work.resolve("frames.tfrecord"),
        FRAMES, training)));
    List<ShardSource> videoShards = List.of(ShardSource.of(write(work.resolve("videos.tfrecord"),
        MEANS, training.stream().map(ModelsBenchmark::mean).toList())));
    List<VideoRecord> testVideos = testFrames.stream().map(ModelsBenchmark::mean).toList();

    System.out.printf(Locale.ROOT, "%d training videos of %d to %d frames of %d features, "
        + "%d classes (generate --frameLabels=PATTERNS), %d steps of %d, %d held-out videos, "
        + "%s, %d cores%n%n", videos, MAX_FRAMES / 2, MAX_FRAMES, FRAMES.totalSize(), CLASSES,
        steps, batchSize, heldOut, recipe.equals(TrainingGraph.Recipe.NONE)
            ? "the starter's recipe" : recipe, Runtime.getRuntime().availableProcessors());
    System.out.println("| model | parameters here | parameters at defaults | training "
        + "examples/s | inference videos/s | held-out GAP |");
    System.out.println("|---|--:|--:|--:|--:|--:|");
    for (Models model : models) {
      boolean frameLevel = model.frameLevel();
      FeatureSpec features = frameLevel ? FRAMES : MEANS;
      ModelFlags flags = new ModelFlags(model.starterName(), features, frameLevel,
          "CrossEntropyLoss", CLASSES, CONFIG);
      TrainingGraph.Spec spec = spec(model, CONFIG, features.totalSize(), CLASSES, batchSize)
          .withRecipe(recipe);
      Path trainDir = work.resolve(model.starterName());
      long[] marks = new long[2];
      int logEvery = Math.max(1, steps / 4);
      int firstMark = logEvery;
      int lastMark = steps / logEvery * logEvery;
      TrainingResult result = new Trainer(TrainDir.local(trainDir), flags, spec,
          new TrainerSettings(0, steps, steps, true, logEvery, 2, 0, 7L),
          frameLevel ? frameShards : videoShards, videos, line -> {
            if (line.startsWith("step " + firstMark + " |")) {
              marks[0] = System.nanoTime();
            } else if (line.startsWith("step " + lastMark + " |")) {
              marks[1] = System.nanoTime();
            }
          }).run();
      double examplesPerSecond = (double) (lastMark - firstMark) * batchSize
          / ((marks[1] - marks[0]) / 1e9);
      List<? extends Yt8mRecord> test = frameLevel ? testFrames : testVideos;
      double[] scored = score(trainDir.resolve(result.lastExport()), test);
      System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %,.0f | %.3f |%n",
          model.starterName(), parameters(spec), parameters(spec(model,
              ModelConfig.DEFAULTS.withFeatureSizes(List.of(1024, 128)), 1152, 3862, 1024)),
          examplesPerSecond, scored[0], scored[1]);
    }
  }

  private static TrainingGraph.Spec spec(Models model, ModelConfig config, long featureSize,
      int classes, int batchSize) {
    return new TrainingGraph.Spec(model, config, featureSize, classes, LabelLoss.CROSS_ENTROPY,
        1f, OptimizerKind.ADAM, 0.01f, 0.95f, 4_000_000L, batchSize, 1f, 7L);
  }

  private static long parameters(TrainingGraph.Spec spec) {
    try (Graph g = new Graph()) {
      return new TrainingGraph(g, spec).parameterCount();
    }
  }

  private static List<FrameRecord> frames(SyntheticVideos generator, String prefix, int count,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<FrameRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(generator.frames(prefix + i, random, MAX_FRAMES / 2, MAX_FRAMES));
    }
    return records;
  }

  /** The video-level record of a video: its frames' mean, as the releases' mean_rgb. */
  private static VideoRecord mean(FrameRecord video) {
    int size = video.frameSize();
    float[] frames = new float[video.numFrames() * size];
    video.dequantizeInto(frames, 0);
    float[] mean = new float[size];
    for (int f = 0; f < video.numFrames(); f++) {
      for (int d = 0; d < size; d++) {
        mean[d] += frames[f * size + d] / video.numFrames();
      }
    }
    return VideoRecord.of(video.id(), video.labels(), mean);
  }

  private static Path write(Path file, FeatureSpec features, List<? extends Yt8mRecord> records)
      throws Exception {
    Files.createDirectories(file.getParent());
    Yt8mEncoder encoder = new Yt8mEncoder(features);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
        TfRecordWriter writer = new TfRecordWriter(out)) {
      for (Yt8mRecord record : records) {
        writer.write(encoder.encode(record, true));
      }
    }
    return file;
  }

  /**
   * Videos/s of the export scoring {@code test} in batches of {@value #INFERENCE_BATCH}
   * (the best of three passes after one to warm up), and its GAP on them.
   */
  private static double[] score(Path export, List<? extends Yt8mRecord> test)
      throws Exception {
    try (ExportedModel model = ExportedModel.load(export, 1)) {
      double best = 0;
      MetricsAccumulator metrics = new MetricsAccumulator(CLASSES, CLASSES);
      for (int pass = 0; pass < 4; pass++) {
        long start = System.nanoTime();
        for (int from = 0; from < test.size(); from += INFERENCE_BATCH) {
          List<? extends Yt8mRecord> batch = test.subList(from,
              Math.min(test.size(), from + INFERENCE_BATCH));
          TopKBatch top = model.score(batch, CLASSES);
          if (pass == 0) {
            for (int i = 0; i < batch.size(); i++) {
              metrics.add(batch.get(i).labels(), top.classesOf(i), top.scoresOf(i));
            }
          }
        }
        if (pass > 0) {
          best = Math.max(best, test.size() / ((System.nanoTime() - start) / 1e9));
        }
      }
      return new double[] {best, metrics.result(false).gap()};
    }
  }
}
