package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Batch norm's population statistics re-estimated for the weights as they are now: the mean
 * of each layer's batch mean and batch variance over a few batches run through the training
 * tower, written into the moving averages that the serving tower reads.
 *
 * <p>Why: a moving average of decay 0.999 averages the statistics of about the last thousand
 * steps, taken while the layers below were still changing, so it describes a network that no
 * longer exists; serving with it can score the training data no better than chance while the
 * training tower fits it (a DbofModel at learning rate 0.01 did). Averaging fresh statistics of
 * the final weights removes that lag, as "precise BN" does (Wu and Johnson, "Rethinking 'Batch'
 * in BatchNorm", 2021). The mean of batch variances, not the variance of the pooled data, is
 * what the training tower normalises with, so that is what is averaged.
 */
public final class BatchNormStatistics {
  private final List<Operand<TFloat32>> observed;
  private final List<Placeholder<TFloat32>> values;
  private final List<Op> assignments;

  private BatchNormStatistics(List<Operand<TFloat32>> observed,
      List<Placeholder<TFloat32>> values, List<Op> assignments) {
    this.observed = observed;
    this.values = values;
    this.assignments = assignments;
  }

  /** An assignment per averaged state variable of {@code parameters}. */
  static BatchNormStatistics of(Ops tf, Parameters parameters) {
    List<Operand<TFloat32>> observed = new ArrayList<>();
    List<Placeholder<TFloat32>> values = new ArrayList<>();
    List<Op> assignments = new ArrayList<>();
    Ops scope = tf.withSubScope("batch_norm_statistics");
    for (Parameters.AveragedState state : parameters.averagedStates()) {
      Placeholder<TFloat32> value = scope.placeholder(TFloat32.class,
          Placeholder.shape(state.variable().shape()));
      observed.add(state.observed());
      values.add(value);
      assignments.add(scope.assign(state.variable(), value));
    }
    return new BatchNormStatistics(List.copyOf(observed), List.copyOf(values),
        List.copyOf(assignments));
  }

  /** True when the model has no batch norm (nothing to estimate). */
  public boolean isEmpty() {
    return observed.isEmpty();
  }

  /** A new estimate, to which batches are added one run at a time. */
  public Estimate newEstimate() {
    return new Estimate();
  }

  /** The running sums of one re-estimation. */
  public final class Estimate {
    private final double[][] sums = new double[observed.size()][];
    private int batches;

    private Estimate() {}

    /**
     * Runs {@code runner}, fed with one batch for the training tower, fetching every layer's
     * batch statistics, and adds them. Nothing is trained: no target is run.
     */
    public void add(Session.Runner runner) {
      observed.forEach(runner::fetch);
      try (Result result = runner.run()) {
        for (int i = 0; i < observed.size(); i++) {
          TFloat32 value = (TFloat32) result.get(i);
          float[] flat = new float[(int) value.shape().size()];
          value.copyTo(DataBuffers.of(flat, false, false));
          if (sums[i] == null) {
            sums[i] = new double[flat.length];
          }
          for (int j = 0; j < flat.length; j++) {
            sums[i][j] += flat[j];
          }
        }
      }
      batches++;
    }

    /** How many batches were added. */
    public int batches() {
      return batches;
    }

    /** Writes the means of the added batches' statistics into the moving averages. */
    public void assign(Session session) {
      checkState(batches > 0, "no batch was added to the estimate");
      List<TFloat32> tensors = new ArrayList<>(sums.length);
      try {
        Session.Runner runner = session.runner();
        for (int i = 0; i < sums.length; i++) {
          float[] mean = new float[sums[i].length];
          for (int j = 0; j < mean.length; j++) {
            mean[j] = (float) (sums[i][j] / batches);
          }
          TFloat32 tensor = TFloat32.tensorOf(Shape.of(mean.length),
              DataBuffers.of(mean, true, false));
          tensors.add(tensor);
          runner.feed(values.get(i), tensor).addTarget(assignments.get(i));
        }
        runner.run();
      } finally {
        tensors.forEach(TFloat32::close);
      }
    }
  }
}
