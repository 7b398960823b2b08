package org.yt8m.transforms.combine;

import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;

/**
 * A partial result that is combined by merging with its peers: its inputs, accumulator and
 * output are all of its own type (per-bundle counts merged into totals). Implement {@link #merge}
 * and it is an {@link Accumulator} for {@link AccumulatorFn}.
 */
public interface Mergeable<T extends Mergeable<T>> extends Accumulator<T, T, T> {

  /** Adds {@code other} into this one and returns this one; {@code other} is not modified. */
  T merge(T other);

  @Override
  default void addInput(T input) {
    merge(input);
  }

  @Override
  default void mergeAccumulator(T other) {
    merge(other);
  }

  @Override
  @SuppressWarnings("unchecked")
  default T extractOutput() {
    return (T) this;
  }
}
