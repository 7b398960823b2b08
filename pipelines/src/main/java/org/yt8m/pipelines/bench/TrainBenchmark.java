package org.yt8m.pipelines.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.TrainerSettings;
import org.yt8m.model.train.input.Batch;
import org.yt8m.model.train.input.BatchSource;
import org.yt8m.model.train.input.ShardSource;

/**
 * {@code scripts/bench train}: examples/s of (a) the training step alone on one pre-built
 * batch, (b) the input pipeline alone (reader threads, shuffle, batches), and (c) the trainer
 * running both, timed between its first and last progress lines so that graph building and
 * the final checkpoint are left out; in one run, on generated video-level data (1152
 * features, 3862 classes). Input is not the bottleneck when (c) ≥ 0.9 × (a).
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = "LogisticModel";
    int batchSize = 1024;
    int steps = 40;
    int videos = 20_480;
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "yt8m-bench-train");
    for (String arg : args) {
      if (arg.startsWith("--model=")) {
        model = arg.substring("--model=".length());
      } else if (arg.startsWith("--batchSize=")) {
        batchSize = Integer.parseInt(arg.substring("--batchSize=".length()));
      } else if (arg.startsWith("--steps=")) {
        steps = Integer.parseInt(arg.substring("--steps=".length()));
      } else if (arg.startsWith("--workDir=")) {
        work = Paths.get(arg.substring("--workDir=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (known: --model=NAME "
            + "--batchSize=N --steps=N --workDir=DIR)");
      }
    }
    FeatureSpec features = FeatureSpec.VIDEO_DEFAULT;
    int classes = 3862;
    List<ShardSource> shards = writeShards(work.resolve("data"), videos, features, classes);
    ModelFlags flags = new ModelFlags(model, features, false, "CrossEntropyLoss", classes,
        ModelConfig.DEFAULTS);
    TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.byName(model), flags.config(),
        features.totalSize(), classes, LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM, 0.01f,
        0.95f, 4_000_000L, batchSize, 1f, 0L);

    double stepAlone = stepAlone(spec, shards, flags, steps);
    double inputAlone = inputAlone(shards, flags, batchSize, steps * 3);
    double together = together(work.resolve("train"), spec, flags, shards, steps);
    System.out.printf(Locale.ROOT, "%s, batch %d, %d features, %d classes, %d cores%n",
        model, batchSize, features.totalSize(), classes,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "(a) training step alone  %,10.0f examples/s  1.00%n",
        stepAlone);
    System.out.printf(Locale.ROOT, "(b) input pipeline alone %,10.0f examples/s  %.2f%n",
        inputAlone, inputAlone / stepAlone);
    System.out.printf(Locale.ROOT, "(c) trainer, both        %,10.0f examples/s  %.2f%n",
        together, together / stepAlone);
  }

  private static List<ShardSource> writeShards(Path dir, int videos, FeatureSpec features,
      int classes) throws Exception {
    Files.createDirectories(dir);
    SyntheticShards split = new SyntheticShards("train", videos, 8, false, 1, 1);
    SyntheticVideos generator = SyntheticVideos.of(1L, classes, features);
    List<ShardSource> shards = new ArrayList<>();
    for (int shard = 0; shard < split.numShards(); shard++) {
      Path file = dir.resolve(split.shardName(shard));
      if (!Files.exists(file)) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
          split.writeShard(shard, generator, out);
        }
      }
      shards.add(ShardSource.of(file));
    }
    return shards;
  }

  private static BatchSource source(List<ShardSource> shards, ModelFlags flags, int batchSize) {
    return BatchSource.builder(shards, new Yt8mDecoder(flags.features(), flags.numClasses(),
        flags.config().maxFrames()), false).withBatchSize(batchSize).withNumEpochs(0).build();
  }

  /** The step on one batch fed again and again, after 5 warm-up steps. */
  private static double stepAlone(TrainingGraph.Spec spec, List<ShardSource> shards,
      ModelFlags flags, int steps) throws Exception {
    Batch batch;
    try (BatchSource source = source(shards, flags, spec.batchSize())) {
      batch = source.next().orElseThrow();
    }
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      try (Session session = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(batch.size(), spec.featureSize()),
              DataBuffers.of(batch.features(), true, false));
          TFloat32 y = TFloat32.tensorOf(Shape.of(batch.size(), spec.numClasses()),
              DataBuffers.of(batch.labels(), true, false))) {
        session.initialize();
        long start = 0;
        for (int i = -5; i < steps; i++) {
          if (i == 0) {
            start = System.nanoTime();
          }
          session.runner().feed(graph.features(), x).feed(graph.labels(), y)
              .addTarget(graph.trainStep()).run().close();
        }
        return (double) steps * batch.size() / ((System.nanoTime() - start) / 1e9);
      }
    }
  }

  /** Batches drained as fast as the input threads make them, after 5 warm-up batches. */
  private static double inputAlone(List<ShardSource> shards, ModelFlags flags, int batchSize,
      int batches) throws Exception {
    try (BatchSource source = source(shards, flags, batchSize)) {
      long start = 0;
      long examples = 0;
      for (int i = -5; i < batches; i++) {
        if (i == 0) {
          start = System.nanoTime();
        }
        Optional<Batch> batch = source.next();
        if (i >= 0) {
          examples += batch.orElseThrow().size();
        }
      }
      return examples / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * The trainer itself, timed between its progress lines at steps {@code steps} (the first
   * {@code steps} warm up) and {@code 2 · steps}, so that its batch metrics run once inside the
   * window, as they would every {@code steps} steps.
   */
  private static double together(Path trainDir, TrainingGraph.Spec spec, ModelFlags flags,
      List<ShardSource> shards, int steps) throws Exception {
    if (Files.exists(trainDir)) {
      MoreFiles.deleteRecursively(trainDir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    long[] marks = new long[2];
    new Trainer(TrainDir.local(trainDir), flags, spec, new TrainerSettings(0, 2L * steps,
        1_000_000L, true, steps, 2, 0, 0L), shards, 0, line -> {
          if (line.startsWith("step " + steps + " |")) {
            marks[0] = System.nanoTime();
          } else if (line.startsWith("step " + (2 * steps) + " |")) {
            marks[1] = System.nanoTime();
          }
        }).run();
    return (double) steps * spec.batchSize() / ((marks[1] - marks[0]) / 1e9);
  }
}
