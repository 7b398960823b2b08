package org.yt8m.transforms.io;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.DoFn.OutputReceiver;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.util.SerializableSupplier;
import org.yt8m.model.record.Yt8mRecord;

/**
 * What a read outputs of one shard's valid records: each record ({@link #records}), what a
 * function keeps of each ({@link #mapped}), one accumulator of them all ({@link #accumulated}),
 * or what a subclass makes of them ({@link Yt8mIO.Read#through}: scores, for inference). All
 * but the first do inside the read what the next step would do, so that whole decoded records
 * never leave it: a runner that holds a step's output until the step's bundle ends and runs the
 * reads ahead of slower steps (the DirectRunner) would otherwise hold a whole shard's records,
 * or all of them.
 *
 * <p>Each copy of the read's DoFn (one per thread that runs it) has its own instance:
 * {@link #open} is called once per shard, {@link #teardown} once when the copy is discarded.
 */
public abstract class ShardOutput<T extends Yt8mRecord, OutputT> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Coder<OutputT> coder;

  protected ShardOutput(Coder<OutputT> coder) {
    this.coder = coder;
  }

  /** The coder of the output. */
  public final Coder<OutputT> coder() {
    return coder;
  }

  /** Where one shard's records go, given the receiver of the read's output. */
  public abstract Sink<T> open(OutputReceiver<OutputT> out) throws Exception;

  /** Releases what {@link #open} acquired for this copy of the read (default: nothing). */
  public void teardown() {}

  /** Takes a shard's valid records in order, then is closed once after the last. */
  public interface Sink<T> {
    void add(T record) throws Exception;

    void close() throws Exception;
  }

  /** Each record as it is. */
  static <T extends Yt8mRecord> ShardOutput<T, T> records(Coder<T> coder) {
    return new ShardOutput<>(coder) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(OutputReceiver<T> out) {
        return new Sink<>() {
          @Override
          public void add(T record) {
            out.output(record);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /** {@code fn} of each record. */
  static <T extends Yt8mRecord, OutputT> ShardOutput<T, OutputT> mapped(
      ProcessFunction<? super T, OutputT> fn, Coder<OutputT> coder) {
    return new ShardOutput<>(coder) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(OutputReceiver<OutputT> out) {
        return new Sink<>() {
          @Override
          public void add(T record) throws Exception {
            out.output(fn.apply(record));
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /** One accumulator per shard, from {@code empty}, that every record is added to. */
  static <T extends Yt8mRecord, A extends Accumulator<? super T, A, ?>> ShardOutput<T, A>
      accumulated(SerializableSupplier<A> empty, Coder<A> coder) {
    return new ShardOutput<>(coder) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(OutputReceiver<A> out) {
        A accumulator = empty.get();
        return new Sink<>() {
          @Override
          public void add(T record) {
            accumulator.addInput(record);
          }

          @Override
          public void close() {
            out.output(accumulator);
          }
        };
      }
    };
  }
}
