package org.yt8m.model.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The optimizers {@code --optimizer} names, as TensorFlow's training ops fed a learning rate
 * tensor: tensorflow-framework's optimizers take a fixed float, but the starter decays the
 * rate with the global step, which must live in the graph so a resumed run continues the
 * schedule. Slots are ordinary variables, so checkpoints carry the optimizer's state.
 */
public enum OptimizerKind {
  /** Adam with TF's defaults: β1 0.9, β2 0.999, ε 1e-8; the β powers are shared state. */
  ADAM("AdamOptimizer", "Adam") {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;

    @Override
    List<Variable<TFloat32>> shared(Ops tf) {
      return List.of(
          tf.withName("adam_beta1_power").variable(tf.withInitScope().constant(BETA1)),
          tf.withName("adam_beta2_power").variable(tf.withInitScope().constant(BETA2)));
    }

    @Override
    Op update(Ops tf, Variable<TFloat32> variable, Operand<TFloat32> gradient,
        Operand<TFloat32> learningRate, List<Variable<TFloat32>> shared) {
      return tf.train.applyAdam(variable, slot(tf, variable, "adam_m", 0f),
          slot(tf, variable, "adam_v", 0f), shared.get(0), shared.get(1), learningRate,
          tf.constant(BETA1), tf.constant(BETA2), tf.constant(1e-8f), gradient);
    }

    @Override
    Op finish(Ops tf, List<Op> updates, List<Variable<TFloat32>> shared) {
      Ops after = tf.withControlDependencies(updates);
      return tf.withControlDependencies(List.of(
          after.assign(shared.get(0), after.math.mul(shared.get(0), after.constant(BETA1))),
          after.assign(shared.get(1), after.math.mul(shared.get(1), after.constant(BETA2)))))
          .noOp();
    }
  },
  /** Plain gradient descent. */
  SGD("GradientDescentOptimizer", "SGD") {
    @Override
    Op update(Ops tf, Variable<TFloat32> variable, Operand<TFloat32> gradient,
        Operand<TFloat32> learningRate, List<Variable<TFloat32>> shared) {
      return tf.train.applyGradientDescent(variable, learningRate, gradient);
    }
  },
  /**
   * Momentum 0.9 (the starter passes only a learning rate to the class it names, which
   * MomentumOptimizer refuses; 0.9 is the common choice).
   */
  MOMENTUM("MomentumOptimizer", "Momentum") {
    @Override
    Op update(Ops tf, Variable<TFloat32> variable, Operand<TFloat32> gradient,
        Operand<TFloat32> learningRate, List<Variable<TFloat32>> shared) {
      return tf.train.applyMomentum(variable, slot(tf, variable, "momentum", 0f), learningRate,
          gradient, tf.constant(0.9f));
    }
  },
  /** Adagrad with TF1's initial accumulator 0.1. */
  ADAGRAD("AdagradOptimizer", "Adagrad") {
    @Override
    Op update(Ops tf, Variable<TFloat32> variable, Operand<TFloat32> gradient,
        Operand<TFloat32> learningRate, List<Variable<TFloat32>> shared) {
      return tf.train.applyAdagrad(variable, slot(tf, variable, "adagrad", 0.1f), learningRate,
          gradient);
    }
  };

  private final String starterName;
  private final String shortName;

  OptimizerKind(String starterName, String shortName) {
    this.starterName = starterName;
    this.shortName = shortName;
  }

  /** The optimizer named as the starter does ({@code AdamOptimizer}) or short ({@code Adam}). */
  public static OptimizerKind byName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(o -> o.starterName.toLowerCase(Locale.ROOT).equals(lower)
            || o.shortName.toLowerCase(Locale.ROOT).equals(lower))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown optimizer " + name
            + "; the optimizers are " + Arrays.stream(values())
                .map(o -> o.starterName + " (" + o.shortName + ")")
                .collect(Collectors.joining(", "))));
  }

  public String starterName() {
    return starterName;
  }

  /** One step: every variable moved by its gradient at {@code learningRate}. */
  final Op apply(Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients,
      Operand<TFloat32> learningRate) {
    List<Variable<TFloat32>> shared = shared(tf);
    List<Op> updates = new ArrayList<>(variables.size());
    for (int i = 0; i < variables.size(); i++) {
      updates.add(update(tf, variables.get(i), gradients.get(i), learningRate, shared));
    }
    return finish(tf, updates, shared);
  }

  /** State the updates of all variables share (none but Adam's). */
  List<Variable<TFloat32>> shared(Ops tf) {
    return List.of();
  }

  /** One variable's update. */
  abstract Op update(Ops tf, Variable<TFloat32> variable, Operand<TFloat32> gradient,
      Operand<TFloat32> learningRate, List<Variable<TFloat32>> shared);

  /** The step's op, after every update. */
  Op finish(Ops tf, List<Op> updates, List<Variable<TFloat32>> shared) {
    return tf.withControlDependencies(updates).noOp();
  }

  /** A per-variable slot named after the variable, starting at {@code value}. */
  private static Variable<TFloat32> slot(Ops tf, Variable<TFloat32> variable, String name,
      float value) {
    Ops init = tf.withInitScope();
    return tf.withName(variable.op().name().replace('/', '_') + "_" + name).variable(
        init.fill(init.constant(variable.shape().asArray()), init.constant(value)));
  }
}
