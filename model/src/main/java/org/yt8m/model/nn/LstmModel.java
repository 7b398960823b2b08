package org.yt8m.model.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code lstmLayers} stacked LSTM layers of {@code lstmCells} units (BasicLSTMCell: gates
 * i, j, f, o from one kernel over {@code [x, h]}, forget bias 1.0) over each video's frames;
 * the last layer's final {@code h} goes to the video-level classifier.
 *
 * <p>TensorFlow Java cannot differentiate the functional {@code While} loop that dynamic_rnn
 * builds, so the cell is unrolled over {@code maxFrames} steps from ops that have
 * gradients. Frames are padded (or truncated) to that length inside the graph; past a video's
 * {@code num_frames} the state is carried through unchanged, as dynamic_rnn does with
 * {@code sequence_length}.
 */
final class LstmModel implements VideoModel {
  static final float FORGET_BIAS = 1.0f;
  private final ModelConfig config;
  private final VideoModel classifier;

  LstmModel(ModelConfig config, VideoModel classifier) {
    this.config = config;
    this.classifier = classifier;
  }

  @Override
  public Operand<TFloat32> probabilities(Ops tf, Parameters parameters, ModelInput input) {
    int steps = config.maxFrames();
    long units = config.lstmCells();
    Operand<TFloat32> frames = fixedLength(tf, input.features(), steps);
    Operand<TInt32> batch = tf.gather(tf.shape(frames), tf.constant(0), tf.constant(0));
    Operand<TFloat32> zeros = tf.fill(tf.stack(List.of(batch, tf.constant((int) units))),
        tf.constant(0f));
    List<Operand<TFloat32>> masks = new ArrayList<>(steps);
    List<Operand<TFloat32>> inputs = new ArrayList<>(steps);
    Operand<TInt32> numFrames = tf.expandDims(input.numFrames(), tf.constant(1));
    for (int t = 0; t < steps; t++) {
      masks.add(tf.dtypes.cast(tf.math.less(tf.constant(t), numFrames), TFloat32.class));
      inputs.add(tf.gather(frames, tf.constant(t), tf.constant(1)));
    }
    long inputSize = input.featureSize();
    for (int layer = 0; layer < config.lstmLayers(); layer++) {
      Operand<TFloat32> kernel = parameters.trainable("lstm_" + layer + "_kernel",
          Shape.of(inputSize + units, 4 * units), Parameters.Init.GLOROT_UNIFORM, 0f);
      Operand<TFloat32> bias = parameters.trainable("lstm_" + layer + "_bias",
          Shape.of(4 * units), Parameters.Init.ZEROS, 0f);
      Operand<TFloat32> h = zeros;
      Operand<TFloat32> c = zeros;
      List<Operand<TFloat32>> outputs = new ArrayList<>(steps);
      for (int t = 0; t < steps; t++) {
        Operand<TFloat32> gates = tf.math.add(tf.linalg.matMul(
            tf.concat(List.of(inputs.get(t), h), tf.constant(1)), kernel), bias);
        Operand<TFloat32> newC = tf.math.add(
            tf.math.mul(c, tf.math.sigmoid(tf.math.add(gate(tf, gates, 2, units),
                tf.constant(FORGET_BIAS)))),
            tf.math.mul(tf.math.sigmoid(gate(tf, gates, 0, units)),
                tf.math.tanh(gate(tf, gates, 1, units))));
        Operand<TFloat32> newH = tf.math.mul(tf.math.tanh(newC),
            tf.math.sigmoid(gate(tf, gates, 3, units)));
        c = carry(tf, masks.get(t), newC, c);
        h = carry(tf, masks.get(t), newH, h);
        outputs.add(h);
      }
      inputs = outputs;
      inputSize = units;
    }
    Operand<TFloat32> last = inputs.get(steps - 1);
    return classifier.probabilities(tf, parameters, input.withFeatures(last, units));
  }

  /** {@code [B, T, F]} padded with zero frames or cut to {@code steps} frames. */
  private static Operand<TFloat32> fixedLength(Ops tf, Operand<TFloat32> frames, int steps) {
    Operand<TInt32> length = tf.gather(tf.shape(frames), tf.constant(1), tf.constant(0));
    Operand<TInt32> missing = tf.math.maximum(tf.math.sub(tf.constant(steps), length),
        tf.constant(0));
    Operand<TInt32> zero = tf.constant(0);
    Operand<TInt32> paddings = tf.stack(List.of(tf.stack(List.of(zero, zero)),
        tf.stack(List.of(zero, missing)), tf.stack(List.of(zero, zero))));
    return tf.slice(tf.pad(frames, paddings, tf.constant(0f)),
        tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, steps, -1}));
  }

  /** Gate {@code index} (i, j, f, o) of the {@code [B, 4·units]} pre-activations. */
  private static Operand<TFloat32> gate(Ops tf, Operand<TFloat32> gates, int index,
      long units) {
    return tf.slice(gates, tf.constant(new int[] {0, (int) (index * units)}),
        tf.constant(new int[] {-1, (int) units}));
  }

  /** {@code mask · next + (1 − mask) · previous}: the state stops at the video's last frame. */
  private static Operand<TFloat32> carry(Ops tf, Operand<TFloat32> mask,
      Operand<TFloat32> next, Operand<TFloat32> previous) {
    return tf.math.add(previous, tf.math.mul(mask, tf.math.sub(next, previous)));
  }
}
