package org.yt8m.transforms.combine;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.SerializableSupplier;

/**
 * Merges accumulators that were filled elsewhere (e.g. one per shard inside a read) into one:
 * the final step of a combine whose partial step ran before the combine.
 */
public final class MergeAccumulatorsFn<A extends Accumulator<?, A, ?>>
    extends CombineFn<A, A, A> {
  private static final long serialVersionUID = 1L;
  private final SerializableSupplier<A> empty;
  private final Coder<A> coder;

  private MergeAccumulatorsFn(SerializableSupplier<A> empty, Coder<A> coder) {
    this.empty = empty;
    this.coder = coder;
  }

  /** Merges accumulators into one that starts as {@code empty}; {@code coder} codes them. */
  public static <A extends Accumulator<?, A, ?>> MergeAccumulatorsFn<A> of(
      SerializableSupplier<A> empty, Coder<A> coder) {
    return new MergeAccumulatorsFn<>(empty, coder);
  }

  @Override
  public A createAccumulator() {
    return empty.get();
  }

  @Override
  public A addInput(A merged, A input) {
    merged.mergeAccumulator(input);
    return merged;
  }

  @Override
  public A mergeAccumulators(Iterable<A> accumulators) {
    A merged = empty.get();
    for (A accumulator : accumulators) {
      merged.mergeAccumulator(accumulator);
    }
    return merged;
  }

  @Override
  public A extractOutput(A merged) {
    return merged;
  }

  @Override
  public Coder<A> getAccumulatorCoder(CoderRegistry registry, Coder<A> input) {
    return coder;
  }

  @Override
  public Coder<A> getDefaultOutputCoder(CoderRegistry registry, Coder<A> input) {
    return coder;
  }
}
