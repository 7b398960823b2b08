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
  /** Adam with TF's defaults: β1 0.9, β2 0.999, ε 1e-8. */
  ADAM("AdamOptimizer", "Adam") {
    @Override
    Op apply(Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients,
        Operand<TFloat32> learningRate) {
      float beta1 = 0.9f;
      float beta2 = 0.999f;
      Variable<TFloat32> beta1Power = tf.withName("adam_beta1_power").variable(
          tf.withInitScope().constant(beta1));
      Variable<TFloat32> beta2Power = tf.withName("adam_beta2_power").variable(
          tf.withInitScope().constant(beta2));
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < variables.size(); i++) {
        Variable<TFloat32> variable = variables.get(i);
        updates.add(tf.train.applyAdam(variable, slot(tf, variable, "adam_m", 0f),
            slot(tf, variable, "adam_v", 0f), beta1Power, beta2Power, learningRate,
            tf.constant(beta1), tf.constant(beta2), tf.constant(1e-8f), gradients.get(i)));
      }
      Ops after = tf.withControlDependencies(updates);
      return tf.withControlDependencies(List.of(
          after.assign(beta1Power, after.math.mul(beta1Power, after.constant(beta1))),
          after.assign(beta2Power, after.math.mul(beta2Power, after.constant(beta2)))))
          .noOp();
    }
  },
  /** Plain gradient descent. */
  SGD("GradientDescentOptimizer", "SGD") {
    @Override
    Op apply(Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients,
        Operand<TFloat32> learningRate) {
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < variables.size(); i++) {
        updates.add(tf.train.applyGradientDescent(variables.get(i), learningRate,
            gradients.get(i)));
      }
      return tf.withControlDependencies(updates).noOp();
    }
  },
  /**
   * Momentum 0.9 (the starter passes only a learning rate to the class it names, which
   * MomentumOptimizer refuses; 0.9 is the common choice).
   */
  MOMENTUM("MomentumOptimizer", "Momentum") {
    @Override
    Op apply(Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients,
        Operand<TFloat32> learningRate) {
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < variables.size(); i++) {
        Variable<TFloat32> variable = variables.get(i);
        updates.add(tf.train.applyMomentum(variable, slot(tf, variable, "momentum", 0f),
            learningRate, gradients.get(i), tf.constant(0.9f)));
      }
      return tf.withControlDependencies(updates).noOp();
    }
  },
  /** Adagrad with TF1's initial accumulator 0.1. */
  ADAGRAD("AdagradOptimizer", "Adagrad") {
    @Override
    Op apply(Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients,
        Operand<TFloat32> learningRate) {
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < variables.size(); i++) {
        Variable<TFloat32> variable = variables.get(i);
        updates.add(tf.train.applyAdagrad(variable, slot(tf, variable, "adagrad", 0.1f),
            learningRate, gradients.get(i)));
      }
      return tf.withControlDependencies(updates).noOp();
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
  abstract Op apply(Ops tf, List<Variable<TFloat32>> variables,
      List<Operand<TFloat32>> gradients, Operand<TFloat32> learningRate);

  /** A per-variable slot named after the variable, starting at {@code value}. */
  private static Variable<TFloat32> slot(Ops tf, Variable<TFloat32> variable, String name,
      float value) {
    Ops init = tf.withInitScope();
    return tf.withName(variable.op().name().replace('/', '_') + "_" + name).variable(
        init.fill(init.constant(variable.shape().asArray()), init.constant(value)));
  }
}
