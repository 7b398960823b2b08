package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.op.random.TruncatedNormal;
import org.tensorflow.types.TFloat32;

/**
 * The variables of one model, created on first use and shared by every tower that asks for the
 * same name again, with the L2 terms and batch-norm updates the training tower registers.
 *
 * <p>Initial values are drawn by seeded random ops (the seed plus a counter per variable), so
 * a graph built twice with the same seed starts from the same weights.
 */
public final class Parameters {
  private final Ops tf;
  private final long seed;
  private final MovingAverage movingAverage;
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
  private final List<Variable<TFloat32>> trainable = new ArrayList<>();
  private final List<Operand<TFloat32>> regularizers = new ArrayList<>();
  private final List<Op> updates = new ArrayList<>();
  private final List<AveragedState> averaged = new ArrayList<>();
  private long opCounter = 1L << 20;

  /** {@code movingAverage}: how {@link #updateAverage} moves the state variables. */
  public Parameters(Ops tf, long seed, MovingAverage movingAverage) {
    this.tf = tf;
    this.seed = seed;
    this.movingAverage = movingAverage;
  }

  /** How a variable starts: an initial value built from seeded random ops. */
  @FunctionalInterface
  public interface Init {
    Operand<TFloat32> initialValue(Ops tf, Shape shape, long seed, long seed2);

    Init ZEROS = constant(0f);
    Init ONES = constant(1f);

    /** Glorot (Xavier) uniform for a matrix: slim's and Keras's default for weights. */
    Init GLOROT_UNIFORM = (tf, shape, seed, seed2) -> {
      checkArgument(shape.numDimensions() == 2, "Glorot init needs a matrix, got %s", shape);
      float limit = (float) Math.sqrt(6.0 / (shape.get(0) + shape.get(1)));
      Operand<TFloat32> unit = tf.random.randomUniform(tf.constant(shape.asArray()),
          TFloat32.class, RandomUniform.seed(seed), RandomUniform.seed2(seed2));
      return tf.math.sub(tf.math.mul(unit, tf.constant(2 * limit)), tf.constant(limit));
    };

    /**
     * slim.variance_scaling_initializer's default (He): a normal truncated at two standard
     * deviations of {@code √(1.3 · 2 / fan_in)}, fan_in the matrix's rows.
     */
    Init VARIANCE_SCALING = (tf, shape, seed, seed2) -> {
      checkArgument(shape.numDimensions() == 2, "variance scaling needs a matrix, got %s",
          shape);
      return tf.math.mul(tf.random.truncatedNormal(tf.constant(shape.asArray()),
          TFloat32.class, TruncatedNormal.seed(seed), TruncatedNormal.seed2(seed2)),
          tf.constant((float) Math.sqrt(1.3 * 2 / shape.get(0))));
    };

    /** Every element {@code value}. */
    static Init constant(float value) {
      return (tf, shape, seed, seed2) -> tf.fill(tf.constant(shape.asArray()),
          tf.constant(value));
    }

    /** Normal with mean 0 and standard deviation {@code stddev}. */
    static Init normal(float stddev) {
      return (tf, shape, seed, seed2) -> tf.math.mul(tf.random.randomStandardNormal(
          tf.constant(shape.asArray()), TFloat32.class, RandomStandardNormal.seed(seed),
          RandomStandardNormal.seed2(seed2)), tf.constant(stddev));
    }
  }

  /**
   * A trainable variable's value: created under {@code name} on first call, the same variable
   * afterwards (the shape must then match). {@code l2} > 0 adds {@code l2 · Σw²/2} to
   * {@link #regularization()} the first time, as slim's {@code l2_regularizer} does.
   */
  public Operand<TFloat32> trainable(String name, Shape shape, Init init, float l2) {
    boolean created = !variables.containsKey(name);
    Operand<TFloat32> value = variable(name, shape, init);
    if (created) {
      trainable.add(variables.get(name));
      if (l2 > 0) {
        regularizers.add(tf.math.mul(tf.constant(l2), tf.nn.l2Loss(value)));
      }
    }
    return value;
  }

  /** A variable the optimizer does not touch (batch norm's moving averages). */
  public Variable<TFloat32> state(String name, Shape shape, Init init) {
    variable(name, shape, init);
    return variables.get(name);
  }

  /** The value of an existing variable, read through {@code Identity} (see package doc). */
  public Operand<TFloat32> read(String name) {
    Operand<TFloat32> value = reads.get(name);
    checkArgument(value != null, "no variable %s", name);
    return value;
  }

  /**
   * Seeds for a random op of the forward pass (frame sampling): fixed per graph, so a fresh
   * session of the exported model draws what a fresh session of the training graph draws.
   */
  public long[] nextOpSeeds() {
    return new long[] {seed, ++opCounter};
  }

  /**
   * Registers the training step's update of the state variable {@code name} toward this
   * step's {@code observed} value, by the {@link MovingAverage} of these parameters.
   */
  public void updateAverage(String name, Operand<TFloat32> observed) {
    Variable<TFloat32> variable = variables.get(name);
    checkArgument(variable != null, "no variable %s", name);
    updates.add(tf.assign(variable, movingAverage.next(tf, reads.get(name), observed)));
    averaged.add(new AveragedState(variable, observed));
  }

  /** A state variable and the per-step value its moving average takes in. */
  public record AveragedState(Variable<TFloat32> variable, Operand<TFloat32> observed) {}

  /** The state variables {@link #updateAverage} registered, in registration order. */
  public List<AveragedState> averagedStates() {
    return Collections.unmodifiableList(averaged);
  }

  public List<Variable<TFloat32>> trainableVariables() {
    return Collections.unmodifiableList(trainable);
  }

  public List<Op> updates() {
    return Collections.unmodifiableList(updates);
  }

  /** The sum of the L2 terms, 0 when there are none. */
  public Operand<TFloat32> regularization() {
    Operand<TFloat32> sum = tf.constant(0f);
    for (Operand<TFloat32> term : regularizers) {
      sum = tf.math.add(sum, term);
    }
    return sum;
  }

  private Operand<TFloat32> variable(String name, Shape shape, Init init) {
    Variable<TFloat32> existing = variables.get(name);
    if (existing != null) {
      checkArgument(existing.shape().equals(shape), "variable %s has shape %s, asked for %s",
          name, existing.shape(), shape);
      return reads.get(name);
    }
    Ops scope = tf.withSubScope(name);
    Variable<TFloat32> variable = scope.withName("variable").variable(
        init.initialValue(tf.withInitScope(), shape, seed, variables.size() + 1L));
    variables.put(name, variable);
    Operand<TFloat32> value = scope.withName("read").identity(variable);
    reads.put(name, value);
    return value;
  }
}
