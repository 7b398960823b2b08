package org.yt8m.model.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * An exponential moving average of the trainable weights (Polyak averaging, the starter's and
 * the Model Garden's {@code ExponentialMovingAverage}), which the exports carry instead of the
 * last step's weights: the 2018 winners' recipe, worth a few thousandths of GAP.
 *
 * <p>Each weight {@code w} has an average {@code w/average}, moved after every optimizer step
 * by the same zero-debiased {@link MovingAverage} as batch norm's statistics, so after {@code t}
 * steps it holds {@code Σ d^(t−i)(1 − d)·w_i / (1 − d^t)} of the weights {@code w_i} after step
 * {@code i}: no bias toward the initial weights at any step. The averages are variables, so a
 * checkpoint holds them and a resumed run continues them.
 *
 * <p>Exporting swaps the averages in ({@link #useAverages}: each weight is kept in
 * {@code w/trained}, then takes its average) and back ({@link #restoreTrained}); in between the
 * session is the averaged model, whose batch-norm statistics the trainer re-estimates before
 * it exports, since statistics gathered for the trained weights do not fit the averaged ones.
 */
public final class WeightAverage {
  private final Op update;
  private final Op useAverages;
  private final Op restoreTrained;

  private WeightAverage(Op update, Op useAverages, Op restoreTrained) {
    this.update = update;
    this.useAverages = useAverages;
    this.restoreTrained = restoreTrained;
  }

  /**
   * The average of {@code weights} of decay {@code decay} in (0, 1), whose update reads the
   * weights after {@code optimizerStep} and {@code completedSteps} before its increment.
   */
  static WeightAverage of(Ops tf, List<Variable<TFloat32>> weights,
      Operand<TInt64> completedSteps, float decay, Op optimizerStep) {
    MovingAverage average = MovingAverage.zeroDebiased(tf.withSubScope("weight_average"),
        completedSteps, decay);
    Ops afterStep = tf.withControlDependencies(List.of(optimizerStep));
    List<Op> updates = new ArrayList<>();
    List<Op> toAverages = new ArrayList<>();
    List<Op> toTrained = new ArrayList<>();
    for (Variable<TFloat32> weight : weights) {
      Ops scope = tf;
      for (String part : weight.op().name().replaceFirst("/variable$", "").split("/")) {
        scope = scope.withSubScope(part);
      }
      Variable<TFloat32> averaged = scope.withName("average").variable(zeros(tf, weight));
      Variable<TFloat32> trained = scope.withName("trained").variable(zeros(tf, weight));
      updates.add(afterStep.assign(averaged,
          average.next(afterStep, averaged, afterStep.identity(weight))));
      Op kept = tf.assign(trained, weight);
      toAverages.add(tf.withControlDependencies(List.of(kept)).assign(weight, averaged));
      toTrained.add(tf.assign(weight, trained));
    }
    return new WeightAverage(group(tf, "weight_average_update", updates),
        group(tf, "use_weight_averages", toAverages),
        group(tf, "restore_trained_weights", toTrained));
  }

  private static Operand<TFloat32> zeros(Ops tf, Variable<TFloat32> like) {
    Ops init = tf.withInitScope();
    return init.zeros(init.constant(like.shape().asArray()), TFloat32.class);
  }

  private static Op group(Ops tf, String name, List<Op> ops) {
    return tf.withName(name).withControlDependencies(ops).noOp();
  }

  /** Moves every average toward its weight; runs after the optimizer step, in it. */
  Op update() {
    return update;
  }

  /** Keeps the trained weights aside and puts the averages in their place. */
  public Op useAverages() {
    return useAverages;
  }

  /** Puts back the trained weights {@link #useAverages} kept aside. */
  public Op restoreTrained() {
    return restoreTrained;
  }
}
