package org.yt8m.transforms.eval;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.coders.IntArrays;

/** Each record's labels keyed by its video id: what {@link JoinAndEvaluate} joins on. */
public final class KeyLabels<T extends Yt8mRecord>
    extends PTransform<PCollection<T>, PCollection<KV<String, int[]>>> {
  private static final long serialVersionUID = 1L;

  private KeyLabels() {}

  public static <T extends Yt8mRecord> KeyLabels<T> create() {
    return new KeyLabels<>();
  }

  @Override
  public PCollection<KV<String, int[]>> expand(PCollection<T> records) {
    return records
        .apply("IdAndLabels", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(),
            TypeDescriptor.of(int[].class))).via((T record) -> KV.of(record.id(),
            record.labels())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IntArrays.sortedCoder()));
  }
}
