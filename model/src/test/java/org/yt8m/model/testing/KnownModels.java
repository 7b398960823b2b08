package org.yt8m.model.testing;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.nn.ExamplesSignature;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.TrainDir;

/**
 * Exported models whose weights a test chooses, so that what they score can be worked out by
 * hand: LogisticModel and FrameLevelLogisticModel, both {@code sigmoid(normalize(x)·W + b)}
 * (the frame-level one over the mean of the normalised frames), exported with the trainer's own
 * {@link Exports} as {@code yt8m train} exports.
 */
public final class KnownModels {
  private KnownModels() {}

  /** {@code w [featureSize][numClasses]} and {@code b [numClasses]}. */
  public record Weights(float[][] w, float[] b) {
    /** Weights uniform in [-1, 1) and biases in [-0.5, 0.5), seeded. */
    public static Weights random(int featureSize, int numClasses, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      float[][] w = new float[featureSize][numClasses];
      for (float[] row : w) {
        for (int c = 0; c < numClasses; c++) {
          row[c] = (float) random.nextDouble(-1, 1);
        }
      }
      float[] b = new float[numClasses];
      for (int c = 0; c < numClasses; c++) {
        b[c] = (float) random.nextDouble(-0.5, 0.5);
      }
      return new Weights(w, b);
    }

    public int numClasses() {
      return b.length;
    }
  }

  /** The flags {@code yt8m train} would record for {@code model} on {@code features}. */
  public static ModelFlags flags(Models model, FeatureSpec features, int numClasses) {
    return new ModelFlags(model.starterName(), features, model.frameLevel(), "CrossEntropyLoss",
        numClasses, ModelConfig.DEFAULTS);
  }

  /**
   * Exports {@code model} ({@link Models#LOGISTIC} or {@link Models#FRAME_LEVEL_LOGISTIC}) with
   * {@code weights} as {@code trainDir/export/step_<step>} of the run that
   * {@code trainDir/model_flags.json} records (legacy without one) and points
   * {@code export/latest} at it; returns the export's directory.
   */
  public static Path export(Path trainDir, Models model, FeatureSpec features, Weights weights,
      long step) throws IOException {
    checkArgument(model == Models.LOGISTIC || model == Models.FRAME_LEVEL_LOGISTIC,
        "known weights only for the logistic models, got %s", model);
    ModelFlags flags = flags(model, features, weights.numClasses());
    TrainingGraph.Spec spec = new TrainingGraph.Spec(model, flags.config(),
        features.totalSize(), weights.numClasses(), LabelLoss.CROSS_ENTROPY, 1f,
        OptimizerKind.ADAM, 0.01f, 0.95f, 4_000_000L, 8, 1f, 1L);
    Path scratch = Files.createTempDirectory("known-model");
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      Ops tf = Ops.create(g);
      var setWeights = tf.assign(g.outputOrThrow("logistic_weights/variable")
          .expect(TFloat32.class), tf.constant(weights.w()));
      var setBiases = tf.assign(g.outputOrThrow("logistic_biases/variable")
          .expect(TFloat32.class), tf.constant(weights.b()));
      try (Session session = new Session(g)) {
        session.initialize();
        session.run(setWeights);
        session.run(setBiases);
        TrainDir dir = TrainDir.local(trainDir);
        new Exports(dir).export(session, ExamplesSignature.appendTo(g, graph, features,
            model.frameLevel(), flags.config().maxFrames(), weights.numClasses()), flags,
            RunId.recordedIn(dir, ""), step, scratch);
      }
    } finally {
      MoreFiles.deleteRecursively(scratch, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    return trainDir.resolve(Exports.DIRECTORY).resolve(Exports.name(step));
  }

  /** {@code sigmoid(normalize(x)·W + b)} in double precision. */
  public static double[] probabilities(float[] features, Weights weights) {
    double[] x = new double[features.length];
    for (int d = 0; d < x.length; d++) {
      x[d] = features[d];
    }
    return logistic(normalized(x), weights);
  }

  /** The frame-level model: the mean of the normalised frames over the video's frames. */
  public static double[] probabilities(FrameRecord video, Weights weights) {
    int size = video.frameSize();
    double[] mean = new double[size];
    for (int f = 0; f < video.numFrames(); f++) {
      double[] frame = new double[size];
      for (int d = 0; d < size; d++) {
        frame[d] = Dequantization.dequantize(video.quantizedFrames()[f * size + d]);
      }
      double[] unit = normalized(frame);
      for (int d = 0; d < size; d++) {
        mean[d] += unit[d] / video.numFrames();
      }
    }
    return logistic(mean, weights);
  }

  /** The {@code k} best classes, best first, equal scores by lower class. */
  public static int[] topK(double[] probabilities, int k) {
    return IntStream.range(0, probabilities.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(c -> -probabilities[c])
            .thenComparingInt(c -> c))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  private static double[] normalized(double[] x) {
    double squares = 0;
    for (double v : x) {
      squares += v * v;
    }
    double scale = 1 / Math.sqrt(Math.max(squares, 1e-12));
    double[] unit = new double[x.length];
    for (int d = 0; d < x.length; d++) {
      unit[d] = x[d] * scale;
    }
    return unit;
  }

  private static double[] logistic(double[] x, Weights weights) {
    double[] p = new double[weights.numClasses()];
    for (int c = 0; c < p.length; c++) {
      double logit = weights.b()[c];
      for (int d = 0; d < x.length; d++) {
        logit += x[d] * weights.w()[d][c];
      }
      p[c] = 1 / (1 + Math.exp(-logit));
    }
    return p;
  }
}
