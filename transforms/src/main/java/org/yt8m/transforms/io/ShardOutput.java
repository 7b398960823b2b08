package org.yt8m.transforms.io;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.util.SerializableSupplier;

/**
 * What a read outputs of one shard's valid records: each record ({@link #records}), what a
 * function makes of each ({@link #mapped}), one accumulator of them all ({@link #accumulated}),
 * or what a subclass makes of them ({@link Yt8mIO.Read#through}: scores, for inference), and
 * what a later stage makes of that ({@link #then}: sorted runs of output lines). All but the
 * first do inside the read what the next steps would do, so that whole decoded records never
 * leave it. The DirectRunner holds a step's output until the step's bundle ends and runs ready
 * bundles first come, first served: the reads of every shard, queued first, run before any
 * later step, so whatever the read outputs is held for the whole input at once. Work that ends
 * in the read, with a small output per shard, keeps its memory flat.
 *
 * <p>Each copy of the read's DoFn (one per thread that runs it) has its own instance:
 * {@link #open} is called once per shard, {@link #teardown} once when the copy is discarded.
 *
 * @param <T> what goes in: the read's records, or an earlier stage's output
 */
public abstract class ShardOutput<T, OutputT> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Coder<OutputT> coder;

  protected ShardOutput(Coder<OutputT> coder) {
    this.coder = requireNonNull(coder);
  }

  /** The coder of the output. */
  public final Coder<OutputT> coder() {
    return coder;
  }

  /** Where one shard's elements go, given where this stage's output goes. */
  public abstract Sink<T> open(Receiver<OutputT> out) throws Exception;

  /** Releases what {@link #open} acquired for this copy of the read (default: nothing). */
  public void teardown() {}

  /** Takes a shard's elements in order, then is closed once after the last. */
  public interface Sink<T> {
    void add(T element) throws Exception;

    void close() throws Exception;
  }

  /** Where a stage's output goes: the read's output, or the next stage. */
  @FunctionalInterface
  public interface Receiver<T> {
    void output(T element) throws Exception;
  }

  /**
   * This stage, its output going through {@code next} (per shard: {@code next} is closed after
   * this stage, so it sees everything this stage outputs for the shard).
   */
  public final <NextT> ShardOutput<T, NextT> then(ShardOutput<? super OutputT, NextT> next) {
    ShardOutput<T, OutputT> first = this;
    requireNonNull(next);
    return new ShardOutput<>(next.coder()) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(Receiver<NextT> out) throws Exception {
        Sink<? super OutputT> second = next.open(out);
        Sink<T> sink = first.open(second::add);
        return new Sink<>() {
          @Override
          public void add(T element) throws Exception {
            sink.add(element);
          }

          @Override
          public void close() throws Exception {
            sink.close();
            second.close();
          }
        };
      }

      @Override
      public void teardown() {
        first.teardown();
        next.teardown();
      }
    };
  }

  /** Each element as it is. */
  static <T> ShardOutput<T, T> records(Coder<T> coder) {
    return mapped(element -> element, coder);
  }

  /** {@code fn} of each element. */
  public static <T, OutputT> ShardOutput<T, OutputT> mapped(
      ProcessFunction<? super T, OutputT> fn, Coder<OutputT> coder) {
    requireNonNull(fn);
    return new ShardOutput<>(coder) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(Receiver<OutputT> out) {
        return new Sink<>() {
          @Override
          public void add(T element) throws Exception {
            out.output(fn.apply(element));
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  /** One accumulator per shard, from {@code empty}, that every element is added to. */
  static <T, A extends Accumulator<? super T, A, ?>> ShardOutput<T, A> accumulated(
      SerializableSupplier<A> empty, Coder<A> coder) {
    requireNonNull(empty);
    return new ShardOutput<>(coder) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<T> open(Receiver<A> out) {
        A accumulator = empty.get();
        return new Sink<>() {
          @Override
          public void add(T element) {
            accumulator.addInput(element);
          }

          @Override
          public void close() throws Exception {
            out.output(accumulator);
          }
        };
      }
    };
  }
}
