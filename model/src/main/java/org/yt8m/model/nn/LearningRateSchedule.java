package org.yt8m.model.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The learning rate of each step as a function of the global step: the starter's staircase
 * decay over examples seen, {@code base · decay^floor(step · batchSize / decayExamples)}, times
 * a linear warmup over the first {@code warmupSteps} steps, {@code min(1, (step + 1) /
 * warmupSteps)}, as the Model Garden's {@code LinearWarmup} from 0 (but counting the step being
 * taken, so step 0 already learns). A function of the global step alone, so a resumed run
 * continues the schedule where it stopped.
 */
final class LearningRateSchedule {
  private LearningRateSchedule() {}

  /** The rate the step after {@code completedSteps} steps applies. */
  static Operand<TFloat32> rate(Ops tf, Operand<TInt64> completedSteps,
      TrainingGraph.Spec spec) {
    Operand<TInt64> examples = tf.math.mul(completedSteps, tf.constant((long) spec.batchSize()));
    Operand<TInt64> decays = tf.math.floorDiv(examples,
        tf.constant(spec.learningRateDecayExamples()));
    Operand<TFloat32> decayed = tf.math.mul(tf.constant(spec.baseLearningRate()),
        tf.math.pow(tf.constant(spec.learningRateDecay()),
            tf.dtypes.cast(decays, TFloat32.class)));
    long warmup = spec.recipe().warmupSteps();
    if (warmup == 0) {
      return decayed;
    }
    Operand<TFloat32> taken = tf.dtypes.cast(tf.math.add(completedSteps, tf.constant(1L)),
        TFloat32.class);
    return tf.math.mul(decayed, tf.math.minimum(tf.constant(1f),
        tf.math.div(taken, tf.constant((float) warmup))));
  }
}
