package org.yt8m.transforms.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Encodes a {@link ShardSummary} as its two parts. */
public final class ShardSummaryCoder extends AtomicCoder<ShardSummary> {
  private static final ShardSummaryCoder INSTANCE = new ShardSummaryCoder();

  private ShardSummaryCoder() {}

  public static ShardSummaryCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ShardSummary summary, OutputStream out) throws IOException {
    RecordStatsCoder.of().encode(summary.records(), out);
    DeadLetterStatsCoder.of().encode(summary.deadLetters(), out);
  }

  @Override
  public ShardSummary decode(InputStream in) throws IOException {
    return new ShardSummary(RecordStatsCoder.of().decode(in), DeadLetterStatsCoder.of().decode(in));
  }
}
