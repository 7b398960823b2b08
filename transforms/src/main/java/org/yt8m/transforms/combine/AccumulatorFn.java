package org.yt8m.transforms.combine;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn;
import org.apache.beam.sdk.util.SerializableSupplier;

/**
 * A combine whose accumulator adds inputs, merges with its peers and is its own output: the one
 * CombineFn behind every statistics and counts combine here, given how to make an empty
 * accumulator and its coder (which is also the output's coder, never inferred).
 */
public final class AccumulatorFn<InputT, AccumT extends Accumulator<InputT, AccumT, AccumT>>
    extends AccumulatingCombineFn<InputT, AccumT, AccumT> {
  private static final long serialVersionUID = 1L;
  private final SerializableSupplier<AccumT> empty;
  private final Coder<AccumT> coder;

  private AccumulatorFn(SerializableSupplier<AccumT> empty, Coder<AccumT> coder) {
    this.empty = empty;
    this.coder = coder;
  }

  public static <InputT, AccumT extends Accumulator<InputT, AccumT, AccumT>>
      AccumulatorFn<InputT, AccumT> of(SerializableSupplier<AccumT> empty, Coder<AccumT> coder) {
    return new AccumulatorFn<>(empty, coder);
  }

  @Override
  public AccumT createAccumulator() {
    return empty.get();
  }

  @Override
  public Coder<AccumT> getAccumulatorCoder(CoderRegistry registry, Coder<InputT> input) {
    return coder;
  }

  @Override
  public Coder<AccumT> getDefaultOutputCoder(CoderRegistry registry, Coder<InputT> input) {
    return coder;
  }
}
