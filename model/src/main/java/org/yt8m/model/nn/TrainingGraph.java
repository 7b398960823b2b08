package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The whole training graph of one model: input placeholders, L2-normalised features, a
 * training tower and a serving tower sharing the variables, the loss (label loss plus
 * {@code regularizationPenalty} times the L2 terms), the global step, the learning rate derived
 * from it (the starter's staircase decay over examples seen), per-tensor gradient clipping, the
 * optimizer step and batch-norm updates, and the serving outputs with top-k in the graph.
 *
 * <p>Everything a resumed run needs is a variable (weights, optimizer slots, moving averages,
 * the global step), so a checkpoint of the session restores the run; hyperparameters that are
 * constants here (learning rate, decay, penalty) may change between runs.
 */
public final class TrainingGraph {
  private final Placeholder<TFloat32> features;
  private final Placeholder<TInt32> numFrames;
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TInt32> topK;
  private final Operand<TFloat32> trainingProbabilities;
  private final Operand<TFloat32> servingProbabilities;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> learningRate;
  private final Variable<TInt64> globalStep;
  private final Op trainStep;
  private final Operand<TInt32> topClasses;
  private final Operand<TFloat32> topScores;
  private final Operand<TFloat32> servingLoss;
  private final Operand<TFloat32> labelLoss;
  private final BatchNormStatistics batchNormStatistics;
  private final long parameterCount;
  private final Spec spec;
  private final VideoModel model;
  private final Parameters parameters;

  /** What shapes and trains the graph. */
  public record Spec(Models model, ModelConfig config, long featureSize, int numClasses,
      LabelLoss labelLoss, float regularizationPenalty, OptimizerKind optimizer,
      float baseLearningRate, float learningRateDecay, long learningRateDecayExamples,
      int batchSize, float clipGradientNorm, long seed, float batchNormDecay) {
    /** The spec with the starter's batch-norm decay ({@value Layers#BATCH_NORM_DECAY}). */
    public Spec(Models model, ModelConfig config, long featureSize, int numClasses,
        LabelLoss labelLoss, float regularizationPenalty, OptimizerKind optimizer,
        float baseLearningRate, float learningRateDecay, long learningRateDecayExamples,
        int batchSize, float clipGradientNorm, long seed) {
      this(model, config, featureSize, numClasses, labelLoss, regularizationPenalty, optimizer,
          baseLearningRate, learningRateDecay, learningRateDecayExamples, batchSize,
          clipGradientNorm, seed, Layers.BATCH_NORM_DECAY);
    }

    public Spec {
      checkArgument(featureSize > 0 && numClasses > 0, "featureSize and numClasses must be "
          + "positive, got %s and %s", featureSize, numClasses);
      checkArgument(learningRateDecayExamples > 0, "learningRateDecayExamples must be "
          + "positive, got %s", learningRateDecayExamples);
      checkArgument(batchSize > 0, "batchSize must be positive, got %s", batchSize);
      checkArgument(batchNormDecay >= 0 && batchNormDecay < 1,
          "batchNormDecay must be in [0, 1), got %s", batchNormDecay);
    }
  }

  /** Builds {@code spec}'s graph into the empty {@code graph}. */
  public TrainingGraph(Graph graph, Spec spec) {
    Ops tf = Ops.create(graph);
    boolean frameLevel = spec.model().frameLevel();
    features = tf.withName(ServingSignature.FEATURES).placeholder(TFloat32.class,
        Placeholder.shape(frameLevel ? Shape.of(-1, -1, spec.featureSize())
            : Shape.of(-1, spec.featureSize())));
    numFrames = frameLevel ? tf.withName(ServingSignature.NUM_FRAMES).placeholder(
        TInt32.class, Placeholder.shape(Shape.of(-1))) : null;
    labels = tf.withName("labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, spec.numClasses())));
    topK = tf.withName(ServingSignature.TOP_K).placeholder(TInt32.class,
        Placeholder.shape(Shape.scalar()));
    globalStep = tf.withName("global_step").variable(tf.withInitScope().constant(0L));

    Operand<TFloat32> normalized = Layers.l2Normalize(tf, features);
    this.spec = spec;
    model = spec.model().create(spec.config());
    parameters = new Parameters(tf, spec.seed(),
        MovingAverage.zeroDebiased(tf, globalStep, spec.batchNormDecay()));
    trainingProbabilities = tf.withName("training_probabilities").identity(
        model.probabilities(tf.withSubScope("train"), parameters, new ModelInput(normalized,
            numFrames, spec.featureSize(), spec.numClasses(), true)));
    servingProbabilities = tf.withName(ServingSignature.PROBABILITIES).identity(
        model.probabilities(tf.withSubScope("serve"), parameters, new ModelInput(normalized,
            numFrames, spec.featureSize(), spec.numClasses(), false)));

    labelLoss = tf.withName("label_loss").identity(
        spec.labelLoss().loss(tf, trainingProbabilities, labels));
    loss = tf.withName("loss").math.add(labelLoss,
        tf.math.mul(tf.constant(spec.regularizationPenalty()), parameters.regularization()));
    batchNormStatistics = BatchNormStatistics.of(tf, parameters);
    parameterCount = parameters.trainableVariables().stream()
        .mapToLong(variable -> variable.shape().size()).sum();
    learningRate = tf.withName("learning_rate").identity(learningRate(tf, spec));
    trainStep = trainStep(tf, graph, spec, parameters);

    TopK<TFloat32, TInt32> top = tf.nn.topK(servingProbabilities, topK, TInt32.class);
    topClasses = tf.withName(ServingSignature.TOP_CLASSES).identity(top.indices());
    topScores = tf.withName(ServingSignature.TOP_SCORES).identity(top.values());
    servingLoss = tf.withName("serving_loss").identity(
        spec.labelLoss().perVideo(tf, servingProbabilities, labels));
  }

  /**
   * What an export holds: the {@value ServingSignature#KEY} and
   * {@value ServingSignature#EVALUATE_KEY} signatures over the serving tower.
   */
  public List<Signature> signatures() {
    Signature serving = inputs(ServingSignature.KEY)
        .output(ServingSignature.PROBABILITIES, servingProbabilities)
        .output(ServingSignature.TOP_CLASSES, topClasses)
        .output(ServingSignature.TOP_SCORES, topScores)
        .build();
    Signature evaluation = inputs(ServingSignature.EVALUATE_KEY)
        .input(ServingSignature.LABELS, labels)
        .output(ServingSignature.TOP_CLASSES, topClasses)
        .output(ServingSignature.TOP_SCORES, topScores)
        .output(ServingSignature.LOSS, servingLoss)
        .build();
    return List.of(serving, evaluation);
  }

  /**
   * Another serving tower over {@code features} and {@code numFrames} (shaped and meant as the
   * {@value ServingSignature#FEATURES} and {@value ServingSignature#NUM_FRAMES} inputs), sharing
   * this graph's weights: for a signature that makes its own inputs ({@link ExamplesSignature}).
   */
  public Operand<TFloat32> servingProbabilities(Ops tf, Operand<TFloat32> features,
      Operand<TInt32> numFrames) {
    return model.probabilities(tf, parameters, new ModelInput(Layers.l2Normalize(tf, features),
        numFrames, spec.featureSize(), spec.numClasses(), false));
  }

  private Signature.Builder inputs(String key) {
    Signature.Builder builder = Signature.builder().key(key)
        .input(ServingSignature.FEATURES, features);
    if (numFrames != null) {
      builder.input(ServingSignature.NUM_FRAMES, numFrames);
    }
    return builder.input(ServingSignature.TOP_K, topK);
  }

  public Placeholder<TFloat32> features() {
    return features;
  }

  /** The frames-per-video input; null for video-level models. */
  public Placeholder<TInt32> numFrames() {
    return numFrames;
  }

  public Placeholder<TFloat32> labels() {
    return labels;
  }

  public Placeholder<TInt32> topK() {
    return topK;
  }

  /** The training tower's probabilities (batch statistics), for the batch metrics. */
  public Operand<TFloat32> trainingProbabilities() {
    return trainingProbabilities;
  }

  public Operand<TFloat32> servingProbabilities() {
    return servingProbabilities;
  }

  public Operand<TFloat32> loss() {
    return loss;
  }

  public Operand<TFloat32> learningRate() {
    return learningRate;
  }

  public Variable<TInt64> globalStep() {
    return globalStep;
  }

  /** One optimizer step: weights, slots, batch-norm averages, then the global step + 1. */
  public Op trainStep() {
    return trainStep;
  }

  /** The training tower's label loss (batch mean), without the regularization term. */
  public Operand<TFloat32> labelLoss() {
    return labelLoss;
  }

  /** Batch norm's population statistics, to re-estimate before an export (none: empty). */
  public BatchNormStatistics batchNormStatistics() {
    return batchNormStatistics;
  }

  /**
   * The model's trainable weights, counted element by element (batch norm's moving averages,
   * optimizer slots and the global step are not parameters).
   */
  public long parameterCount() {
    return parameterCount;
  }

  /** Each video's label loss through the serving tower (what an export's evaluation reads). */
  public Operand<TFloat32> servingLoss() {
    return servingLoss;
  }

  public Operand<TInt32> topClasses() {
    return topClasses;
  }

  public Operand<TFloat32> topScores() {
    return topScores;
  }

  /** {@code base · decay^floor(step · batchSize / decayExamples)}. */
  private Operand<TFloat32> learningRate(Ops tf, Spec spec) {
    Operand<TInt64> examples = tf.math.mul(globalStep, tf.constant((long) spec.batchSize()));
    Operand<TInt64> decays = tf.math.floorDiv(examples,
        tf.constant(spec.learningRateDecayExamples()));
    return tf.math.mul(tf.constant(spec.baseLearningRate()), tf.math.pow(
        tf.constant(spec.learningRateDecay()), tf.dtypes.cast(decays, TFloat32.class)));
  }

  private Op trainStep(Ops tf, Graph graph, Spec spec, Parameters parameters) {
    List<Variable<TFloat32>> variables = parameters.trainableVariables();
    Output<?>[] targets = variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
    Output<?>[] gradients = graph.addGradients(loss.asOutput(), targets);
    List<Operand<TFloat32>> clipped = new ArrayList<>(gradients.length);
    for (Output<?> gradient : gradients) {
      clipped.add(clipByNorm(tf, gradient.expect(TFloat32.class), spec.clipGradientNorm()));
    }
    Ops afterUpdates = tf.withControlDependencies(parameters.updates());
    Op applied = spec.optimizer().apply(afterUpdates.withSubScope("optimizer"), variables,
        clipped, learningRate);
    return tf.withName("train_step").withControlDependencies(List.of(applied))
        .assignAdd(globalStep, tf.constant(1L));
  }

  /** tf.clip_by_norm per tensor: {@code g · c / max(‖g‖, c)}; c ≤ 0 turns clipping off. */
  private static Operand<TFloat32> clipByNorm(Ops tf, Operand<TFloat32> gradient,
      float clipNorm) {
    if (clipNorm <= 0) {
      return gradient;
    }
    Operand<TFloat32> norm = tf.math.sqrt(tf.reduceSum(tf.math.square(gradient),
        tf.range(tf.constant(0), tf.rank(gradient), tf.constant(1))));
    Operand<TFloat32> limit = tf.constant(clipNorm);
    return tf.math.div(tf.math.mul(gradient, limit), tf.math.maximum(norm, limit));
  }
}
