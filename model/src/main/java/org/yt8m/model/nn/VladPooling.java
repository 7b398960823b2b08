package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The VLAD descriptor NetVladModel and NeXtVladModel share: each video's descriptors'
 * residuals to K learned centres, weighted by the soft assignment and summed, then
 * intra-normalised (each centre's residual to unit length, Arandjelović et al. 2016).
 *
 * <p>The per-video sum is one batched matrix product, {@code [B, M, D]ᵀ · [B, M, K]}, so the
 * {@code [B, M, K, D]} outer product is never built.
 */
final class VladPooling {
  private VladPooling() {}

  /**
   * A frame-level batch flattened for pooling: {@code rows [B·T, N]}, {@code mask [B·T]} (1 for
   * a video's real frames, 0 for padding) and {@code length}, the padded T.
   */
  record Frames(Operand<TFloat32> rows, Operand<TFloat32> mask, Operand<TInt32> length) {
    static Frames of(Ops tf, ModelInput input) {
      return new Frames(
          tf.reshape(input.features(), tf.constant(new long[] {-1, input.featureSize()})),
          tf.reshape(Layers.frameMask(tf, input.features(), input.numFrames()),
              tf.constant(new long[] {-1})),
          tf.gather(tf.shape(input.features()), tf.constant(1), tf.constant(0)));
    }

    Frames withRows(Operand<TFloat32> newRows) {
      return new Frames(newRows, mask, length);
    }
  }

  /** What a model pools one feature's frames into. */
  @FunctionalInterface
  interface FeatureDescriptor {
    /**
     * {@code [B, width']} for feature {@code index}, whose frames are {@code columns [B·T,
     * width]}.
     */
    Operand<TFloat32> of(int index, Operand<TFloat32> columns, long width);
  }

  /**
   * Each feature's descriptor of its columns of {@code rows} (rgb and audio pooled apart, as
   * the authors' code does), concatenated: {@code [B, Σ width']}, whose width is static.
   */
  static Operand<TFloat32> perFeature(Ops tf, List<Long> features, Operand<TFloat32> rows,
      FeatureDescriptor descriptor) {
    List<Operand<TFloat32>> descriptors = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < features.size(); i++) {
      long width = features.get(i);
      descriptors.add(descriptor.of(i, features.size() == 1 ? rows
          : columns(tf, rows, offset, width), width));
      offset += width;
    }
    Operand<TFloat32> all = descriptors.size() == 1 ? descriptors.get(0)
        : tf.concat(descriptors, tf.constant(1));
    checkState(all.shape().numDimensions() == 2 && all.shape().get(1) > 0,
        "the pooled width must be static, got %s", all.shape());
    return all;
  }

  /**
   * {@code [B, D·K]} (D-major, as the authors' code flattens it): {@code Σ_m a_mk (x_md −
   * c_dk)}, L2-normalised over d for each k. {@code descriptors [B, M, D]}, {@code assignment
   * [B, M, K]} (zero for padded frames, which so add nothing), {@code centers [D, K]}.
   */
  static Operand<TFloat32> residuals(Ops tf, Operand<TFloat32> descriptors,
      Operand<TFloat32> assignment, Operand<TFloat32> centers, long d, long k) {
    Operand<TFloat32> weightedSum = tf.train.batchMatMul(descriptors, assignment,
        TFloat32.class, BatchMatMul.adjX(true));
    Operand<TFloat32> mass = tf.reduceSum(assignment, tf.constant(1),
        ReduceSum.keepDims(true));
    Operand<TFloat32> vlad = tf.math.sub(weightedSum, tf.math.mul(mass, centers));
    return tf.reshape(Layers.l2Normalize(tf, vlad, 1), tf.constant(new long[] {-1, d * k}));
  }

  /** {@code rows [B·T·perFrame, width]} as {@code [B, T·perFrame, width]}. */
  static Operand<TFloat32> perVideo(Ops tf, Operand<TFloat32> rows, Operand<TInt32> length,
      long perFrame, long width) {
    return tf.reshape(rows, tf.stack(List.of(tf.constant(-1),
        tf.math.mul(length, tf.constant((int) perFrame)), tf.constant((int) width))));
  }

  /**
   * The widths of the features concatenated in an input of {@code total} columns: {@code
   * sizes}, which must add up to it, or one feature of {@code total} when it is empty.
   */
  static List<Long> features(List<Integer> sizes, long total) {
    if (sizes.isEmpty()) {
      return List.of(total);
    }
    long sum = sizes.stream().mapToLong(Integer::longValue).sum();
    checkArgument(sum == total, "the feature sizes %s add up to %s, but the input has %s",
        sizes, sum, total);
    return sizes.stream().map(Integer::longValue).toList();
  }

  /**
   * Clusters or groups for feature {@code index}: {@code count} for the first, half of it (at
   * least 1) for each other, as the authors give audio half of rgb's.
   */
  static int forFeature(int count, int index) {
    return index == 0 ? count : Math.max(1, count / 2);
  }

  /**
   * Columns {@code [offset, offset + width)} of {@code rows [R, N]} (int32 bounds: Slice's C++
   * gradient subtracts them from an int32 shape).
   */
  private static Operand<TFloat32> columns(Ops tf, Operand<TFloat32> rows, long offset, long width) {
    return tf.slice(rows, tf.constant(new int[] {0, Math.toIntExact(offset)}),
        tf.constant(new int[] {-1, Math.toIntExact(width)}));
  }
}
