package org.yt8m.model.nn;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** The starter code's label losses over probabilities {@code [B, C]} (reference §3). */
public enum LabelLoss {
  /** {@code mean_batch Σ_c −[y log(p+ε) + (1−y) log(1−p+ε)]}, ε = 1e-5. */
  CROSS_ENTROPY("CrossEntropyLoss") {
    @Override
    public Operand<TFloat32> perCell(Ops tf, Operand<TFloat32> p, Operand<TFloat32> y) {
      Operand<TFloat32> epsilon = tf.constant(1e-5f);
      Operand<TFloat32> one = tf.constant(1f);
      Operand<TFloat32> positive = tf.math.mul(y, tf.math.log(tf.math.add(p, epsilon)));
      Operand<TFloat32> negative = tf.math.mul(tf.math.sub(one, y),
          tf.math.log(tf.math.add(tf.math.sub(one, p), epsilon)));
      return tf.math.neg(tf.math.add(positive, negative));
    }
  },
  /** {@code mean_batch Σ_c max(0, 1 − (2y−1)·p)}. */
  HINGE("HingeLoss") {
    @Override
    public Operand<TFloat32> perCell(Ops tf, Operand<TFloat32> p, Operand<TFloat32> y) {
      Operand<TFloat32> sign = tf.math.sub(tf.math.mul(tf.constant(2f), y), tf.constant(1f));
      return tf.math.maximum(tf.constant(0f),
          tf.math.sub(tf.constant(1f), tf.math.mul(sign, p)));
    }
  },
  /**
   * {@code mean_batch −Σ_c ŷ log softmax(p)}, {@code ŷ = y / max(Σy, 1e-7)}. Its softmax spans
   * every class, so a label weight of 0 does not take a class out of it: it does not suit
   * segment training, where unrated classes must count nowhere.
   */
  SOFTMAX("SoftmaxLoss") {
    @Override
    public Operand<TFloat32> perCell(Ops tf, Operand<TFloat32> p, Operand<TFloat32> y) {
      Operand<TFloat32> total = tf.math.maximum(tf.reduceSum(y, tf.constant(1),
          ReduceSum.keepDims(true)), tf.constant(1e-7f));
      Operand<TFloat32> normalized = tf.math.div(y, total);
      return tf.math.neg(tf.math.mul(normalized, tf.nn.logSoftmax(p)));
    }
  };

  private final String starterName;

  LabelLoss(String starterName) {
    this.starterName = starterName;
  }

  /** The loss {@code --labelLoss=NAME} names, or an error that lists the names. */
  public static LabelLoss byName(String name) {
    return Arrays.stream(values()).filter(l -> l.starterName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown label loss " + name
            + "; the losses are " + Arrays.stream(values()).map(LabelLoss::starterName)
                .collect(Collectors.joining(", "))));
  }

  public String starterName() {
    return starterName;
  }

  /** The mean over the batch of the per-video loss. */
  public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> probabilities,
      Operand<TFloat32> labels) {
    return tf.math.mean(perVideo(tf, probabilities, labels), tf.constant(0));
  }

  /**
   * The targets of label smoothing by {@code epsilon} (Szegedy et al. 2016; Keras's
   * {@code label_smoothing}): {@code y(1−ε) + ε/2} for CrossEntropyLoss, each class's
   * independent yes/no; {@code ŷ(1−ε) + ε/C} of the normalised labels {@code ŷ} for SoftmaxLoss,
   * which so still sum to 1 (a video without labels keeps none). {@code y} itself when
   * {@code epsilon} is 0; HingeLoss has no smoothing.
   */
  public Operand<TFloat32> smoothed(Ops tf, Operand<TFloat32> y, float epsilon) {
    if (epsilon == 0) {
      return y;
    }
    Operand<TFloat32> kept = tf.constant(1 - epsilon);
    return switch (this) {
      case CROSS_ENTROPY -> tf.math.add(tf.math.mul(y, kept), tf.constant(epsilon / 2));
      case SOFTMAX -> {
        Operand<TFloat32> count = tf.reduceSum(y, tf.constant(1), ReduceSum.keepDims(true));
        Operand<TFloat32> normalized = tf.math.div(y, tf.math.maximum(count,
            tf.constant(1e-7f)));
        Operand<TFloat32> uniform = tf.math.div(tf.math.mul(tf.constant(epsilon),
            tf.math.minimum(count, tf.constant(1f))),
            tf.dtypes.cast(tf.gather(tf.shape(y), tf.constant(1), tf.constant(0)),
                TFloat32.class));
        yield tf.math.add(tf.math.mul(normalized, kept), uniform);
      }
      case HINGE -> throw new IllegalArgumentException("label smoothing applies to "
          + "CrossEntropyLoss and SoftmaxLoss, not " + starterName);
    };
  }

  /**
   * The starter's loss with label weights ({@code calculate_loss(..., label_weights)}): the
   * mean over the batch of {@code Σ_c w·loss_c}, {@code weights} {@code [B, C]} or
   * broadcastable to it. A class of weight 0 adds nothing, nor any gradient.
   */
  public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> probabilities,
      Operand<TFloat32> labels, Operand<TFloat32> weights) {
    return tf.math.mean(sumOverClasses(tf, tf.math.mul(weights,
        perCell(tf, probabilities, labels))), tf.constant(0));
  }

  /** Each video's loss, {@code [B]}. */
  public Operand<TFloat32> perVideo(Ops tf, Operand<TFloat32> p, Operand<TFloat32> y) {
    return sumOverClasses(tf, perCell(tf, p, y));
  }

  /** Each (video, class) cell's term of the loss, {@code [B, C]}. */
  public abstract Operand<TFloat32> perCell(Ops tf, Operand<TFloat32> p, Operand<TFloat32> y);

  private static Operand<TFloat32> sumOverClasses(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(1), ReduceSum.keepDims(false));
  }
}
