package org.yt8m.transforms.io;

import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.yt8m.model.io.Vocabulary;

/**
 * Leaves the dataset's {@code vocabulary.csv} out of the files a shard pattern matched: it lies
 * beside the shards that {@code generate} writes, and {@code dir/*} means the shards, as it
 * means them beside the set manifests. Counted as {@code vocabularies_left_out}.
 */
final class LeaveOutVocabulary extends DoFn<Metadata, Metadata> {
  private static final long serialVersionUID = 1L;
  private final Counter leftOut = Metrics.counter(Yt8mIO.class, "vocabularies_left_out");

  static ParDo.SingleOutput<Metadata, Metadata> create() {
    return ParDo.of(new LeaveOutVocabulary());
  }

  @ProcessElement
  public void process(@Element Metadata file, OutputReceiver<Metadata> out) {
    if (Vocabulary.FILE_NAME.equals(file.resourceId().getFilename())) {
      leftOut.inc();
    } else {
      out.output(file);
    }
  }
}
