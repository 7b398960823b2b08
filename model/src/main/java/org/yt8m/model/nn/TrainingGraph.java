package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * {@code regularizationPenalty} times the L2 terms, plus the distillation term of the
 * {@link Recipe}), the global step, the learning rate derived from it
 * ({@link LearningRateSchedule}), per-tensor gradient clipping, the optimizer step, batch-norm
 * updates and the {@link WeightAverage}, and the serving outputs with top-k in the graph.
 *
 * <p>Everything a resumed run needs is a variable (weights, optimizer slots, moving averages,
 * the global step), so a checkpoint of the session restores the run; hyperparameters that are
 * constants here (learning rate, decay, penalty) may change between runs.
 */
public final class TrainingGraph {
  private final Placeholder<TFloat32> features;
  private final Placeholder<TInt32> numFrames;
  private final Placeholder<TFloat32> labels;
  private final Operand<TFloat32> labelWeights;
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
  private final Placeholder<TFloat32> teacherProbabilities;
  private final WeightAverage weightAverage;
  private final Spec spec;
  private final VideoModel model;
  private final Parameters parameters;

  /** What shapes and trains the graph. */
  public record Spec(Models model, ModelConfig config, long featureSize, int numClasses,
      LabelLoss labelLoss, float regularizationPenalty, OptimizerKind optimizer,
      float baseLearningRate, float learningRateDecay, long learningRateDecayExamples,
      int batchSize, float clipGradientNorm, long seed, float batchNormDecay, Recipe recipe) {
    /** The spec without the recipe's knobs ({@link Recipe#NONE}). */
    public Spec(Models model, ModelConfig config, long featureSize, int numClasses,
        LabelLoss labelLoss, float regularizationPenalty, OptimizerKind optimizer,
        float baseLearningRate, float learningRateDecay, long learningRateDecayExamples,
        int batchSize, float clipGradientNorm, long seed, float batchNormDecay) {
      this(model, config, featureSize, numClasses, labelLoss, regularizationPenalty, optimizer,
          baseLearningRate, learningRateDecay, learningRateDecayExamples, batchSize,
          clipGradientNorm, seed, batchNormDecay, Recipe.NONE);
    }

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
      checkArgument(recipe.labelSmoothing() == 0 || labelLoss != LabelLoss.HINGE,
          "labelSmoothing applies to CrossEntropyLoss and SoftmaxLoss, not HingeLoss");
      checkArgument(recipe.numFrames() == 0 || model.frameLevel(), "numFrames samples the "
          + "frames of frame-level models; %s is video-level", model.starterName());
    }

    /** This spec with the recipe's knobs {@code newRecipe}. */
    public Spec withRecipe(Recipe newRecipe) {
      return new Spec(model, config, featureSize, numClasses, labelLoss, regularizationPenalty,
          optimizer, baseLearningRate, learningRateDecay, learningRateDecayExamples, batchSize,
          clipGradientNorm, seed, batchNormDecay, newRecipe);
    }
  }

  /**
   * The training recipe beyond the starter's, which the challenge winners and the Model Garden
   * tune first; all off in {@link #NONE}. None changes the model's variables, so their values
   * may change between runs of one model, except that turning {@code emaDecay} on for a run
   * trained without it needs a new model: its checkpoints lack the averages.
   *
   * @param warmupSteps the learning rate rises linearly over these first steps (0: none), see
   *     {@link LearningRateSchedule}
   * @param labelSmoothing ε in [0, 1): the training loss's targets are {@code y(1−ε) + ε/2}
   *     for CrossEntropyLoss (each class a two-way choice) and {@code ŷ(1−ε) + ε/C} for
   *     SoftmaxLoss; evaluation's loss keeps the true labels
   * @param emaDecay decay in [0, 1) of the {@link WeightAverage} the exports carry (0: none)
   * @param numFrames frames the trainer samples per video of each training batch, for
   *     frame-level models (0: all), as {@code --sampleRandomFrames} says: at random or a
   *     random run; serving sees all frames
   * @param distillWeight weight of the cross-entropy against a teacher's probabilities fed to
   *     {@link #teacherProbabilities} (0: no teacher)
   */
  public record Recipe(long warmupSteps, float labelSmoothing, float emaDecay, int numFrames,
      float distillWeight) {
    public static final Recipe NONE = new Recipe(0, 0f, 0f, 0, 0f);

    public Recipe {
      checkArgument(warmupSteps >= 0, "warmupSteps must be >= 0, got %s", warmupSteps);
      checkArgument(labelSmoothing >= 0 && labelSmoothing < 1,
          "labelSmoothing must be in [0, 1), got %s", labelSmoothing);
      checkArgument(emaDecay >= 0 && emaDecay < 1, "emaDecay must be in [0, 1), got %s",
          emaDecay);
      checkArgument(numFrames >= 0, "numFrames must be >= 0, got %s", numFrames);
      checkArgument(distillWeight >= 0 && Float.isFinite(distillWeight),
          "distillWeight must be a number >= 0, got %s", distillWeight);
    }

    public Recipe withWarmupSteps(long steps) {
      return new Recipe(steps, labelSmoothing, emaDecay, numFrames, distillWeight);
    }

    public Recipe withLabelSmoothing(float epsilon) {
      return new Recipe(warmupSteps, epsilon, emaDecay, numFrames, distillWeight);
    }

    public Recipe withEmaDecay(float decay) {
      return new Recipe(warmupSteps, labelSmoothing, decay, numFrames, distillWeight);
    }

    public Recipe withNumFrames(int frames) {
      return new Recipe(warmupSteps, labelSmoothing, emaDecay, frames, distillWeight);
    }

    public Recipe withDistillWeight(float weight) {
      return new Recipe(warmupSteps, labelSmoothing, emaDecay, numFrames, weight);
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

    // 1 for every class unless fed (segment training: 0 for the classes not rated).
    labelWeights = tf.withName("label_weights").placeholderWithDefault(
        tf.fill(tf.constant(new int[] {1, spec.numClasses()}), tf.constant(1f)),
        Shape.of(-1, spec.numClasses()));
    labelLoss = tf.withName("label_loss").identity(spec.labelLoss().loss(tf,
        trainingProbabilities, spec.labelLoss().smoothed(tf, labels,
            spec.recipe().labelSmoothing()), labelWeights));
    Operand<TFloat32> total = tf.math.add(labelLoss,
        tf.math.mul(tf.constant(spec.regularizationPenalty()), parameters.regularization()));
    teacherProbabilities = spec.recipe().distillWeight() > 0
        ? tf.withName("teacher_probabilities").placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1, spec.numClasses()))) : null;
    if (teacherProbabilities != null) {
      total = tf.math.add(total, tf.math.mul(tf.constant(spec.recipe().distillWeight()),
          LabelLoss.CROSS_ENTROPY.loss(tf, trainingProbabilities, teacherProbabilities)));
    }
    loss = tf.withName("loss").identity(total);
    batchNormStatistics = BatchNormStatistics.of(tf, parameters);
    parameterCount = parameters.trainableVariables().stream()
        .mapToLong(variable -> variable.shape().size()).sum();
    learningRate = tf.withName("learning_rate").identity(
        LearningRateSchedule.rate(tf, globalStep, spec));
    Op applied = optimizerStep(tf, graph, spec, parameters);
    weightAverage = spec.recipe().emaDecay() > 0 ? WeightAverage.of(tf,
        parameters.trainableVariables(), globalStep, spec.recipe().emaDecay(), applied) : null;
    trainStep = tf.withName("train_step").withControlDependencies(List.of(
        weightAverage == null ? applied : weightAverage.update()))
        .assignAdd(globalStep, tf.constant(1L));

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

  /** Each (example, class) cell's weight in the training loss; 1 everywhere unless fed. */
  public Operand<TFloat32> labelWeights() {
    return labelWeights;
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

  /** The teacher's probabilities {@code [B, C]} the loss distils; null without a teacher. */
  public Placeholder<TFloat32> teacherProbabilities() {
    return teacherProbabilities;
  }

  /** The average of the weights the exports carry; empty without {@code emaDecay}. */
  public Optional<WeightAverage> weightAverage() {
    return Optional.ofNullable(weightAverage);
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

  /** The optimizer's update of the weights (after batch norm's updates). */
  private Op optimizerStep(Ops tf, Graph graph, Spec spec, Parameters parameters) {
    List<Variable<TFloat32>> variables = parameters.trainableVariables();
    Output<?>[] targets = variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
    Output<?>[] gradients = graph.addGradients(loss.asOutput(), targets);
    List<Operand<TFloat32>> clipped = new ArrayList<>(gradients.length);
    for (Output<?> gradient : gradients) {
      clipped.add(clipByNorm(tf, gradient.expect(TFloat32.class), spec.clipGradientNorm()));
    }
    Ops afterUpdates = tf.withControlDependencies(parameters.updates());
    return spec.optimizer().apply(afterUpdates.withSubScope("optimizer"), variables,
        clipped, learningRate);
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
