package org.yt8m.transforms.io;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a read with dead letters produces: the valid {@link #records()} and the
 * {@link #deadLetters()}. It is also a pipeline input, so transforms that need both (a report of
 * the input) apply to it.
 */
public final class ReadResult<T> implements PInput, POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> recordsTag;
  private final PCollection<T> records;
  private final TupleTag<DeadLetter> deadLettersTag;
  private final PCollection<DeadLetter> deadLetters;

  private ReadResult(Pipeline pipeline, TupleTag<T> recordsTag, PCollection<T> records,
      TupleTag<DeadLetter> deadLettersTag, PCollection<DeadLetter> deadLetters) {
    this.pipeline = pipeline;
    this.recordsTag = recordsTag;
    this.records = records;
    this.deadLettersTag = deadLettersTag;
    this.deadLetters = deadLetters;
  }

  /** The result of a read whose outputs carry these tags. */
  public static <T> ReadResult<T> of(Pipeline pipeline, TupleTag<T> recordsTag,
      PCollection<T> records, TupleTag<DeadLetter> deadLettersTag,
      PCollection<DeadLetter> deadLetters) {
    return new ReadResult<>(pipeline, recordsTag, records, deadLettersTag, deadLetters);
  }

  /** The elements that parsed and validated. */
  public PCollection<T> records() {
    return records;
  }

  /** One {@link DeadLetter} per element that did not. */
  public PCollection<DeadLetter> deadLetters() {
    return deadLetters;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(recordsTag, records, deadLettersTag, deadLetters);
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input,
      PTransform<?, ?> transform) {}

  /** Applies {@code transform} to this result (both outputs), named after the transform. */
  public <OutputT extends POutput> OutputT apply(
      PTransform<? super ReadResult<T>, OutputT> transform) {
    return Pipeline.applyTransform(this, transform);
  }

  /** Applies {@code transform} to this result (both outputs). */
  public <OutputT extends POutput> OutputT apply(String name,
      PTransform<? super ReadResult<T>, OutputT> transform) {
    return Pipeline.applyTransform(name, this, transform);
  }
}
