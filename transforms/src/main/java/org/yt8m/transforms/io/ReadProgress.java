package org.yt8m.transforms.io;

import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The counters a running job's reads are followed by (namespace {@link #NAMESPACE}): what the
 * patterns matched ({@value #SHARDS_MATCHED}, {@value #BYTES_MATCHED}), counted once the match
 * is complete, and what has been read ({@value #SHARDS_READ}, {@value #BYTES_READ}, the shards'
 * sizes as matched, and {@value #RECORDS_READ}). A launcher that queries them while the job
 * runs can say how far it is and, from the bytes, how long it has left, without knowing which
 * command built the pipeline.
 */
public final class ReadProgress {
  public static final String NAMESPACE = Yt8mIO.class.getName();
  public static final String SHARDS_MATCHED = "shards_matched";
  public static final String BYTES_MATCHED = "bytes_matched";
  public static final String SHARDS_READ = "shards_read";
  public static final String BYTES_READ = "bytes_read";
  public static final String RECORDS_READ = "records_read";

  private ReadProgress() {}

  /**
   * Counts the matched shards and their bytes in one global sum, so that both counters appear
   * at once with their totals rather than growing with the match's bundles.
   */
  static CountMatched countMatched() {
    return new CountMatched();
  }

  /** The matched shards' count and bytes, summed, then added to the counters. */
  static final class CountMatched
      extends PTransform<PCollection<Metadata>, PCollection<KV<Long, Long>>> {
    private static final long serialVersionUID = 1L;

    @Override
    public PCollection<KV<Long, Long>> expand(PCollection<Metadata> shards) {
      return shards
          .apply("ShardSizes", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(),
              TypeDescriptors.longs())).via(shard -> KV.of(1L, shard.sizeBytes())))
          .apply("SumSizes", Combine.globally(ReadProgress::sum))
          .apply("AddToCounters", ParDo.of(new AddToCountersFn()));
    }
  }

  private static KV<Long, Long> sum(Iterable<KV<Long, Long>> counts) {
    long shards = 0;
    long bytes = 0;
    for (KV<Long, Long> count : counts) {
      shards += count.getKey();
      bytes += count.getValue();
    }
    return KV.of(shards, bytes);
  }

  private static final class AddToCountersFn extends DoFn<KV<Long, Long>, KV<Long, Long>> {
    private static final long serialVersionUID = 1L;
    private final Counter shards = Metrics.counter(NAMESPACE, SHARDS_MATCHED);
    private final Counter bytes = Metrics.counter(NAMESPACE, BYTES_MATCHED);

    @ProcessElement
    public void process(@Element KV<Long, Long> matched, OutputReceiver<KV<Long, Long>> out) {
      shards.inc(matched.getKey());
      bytes.inc(matched.getValue());
      out.output(matched);
    }
  }
}
