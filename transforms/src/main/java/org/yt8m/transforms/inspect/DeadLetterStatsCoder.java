package org.yt8m.transforms.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.io.DeadLetter;

/** Encodes a {@link DeadLetterStats}: its counts and its examples, as maps. */
public final class DeadLetterStatsCoder extends AtomicCoder<DeadLetterStats> {
  private static final DeadLetterStatsCoder INSTANCE = new DeadLetterStatsCoder();
  private static final MapCoder<String, Long> COUNTS =
      MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
  private static final MapCoder<String, List<DeadLetter>> EXAMPLES =
      MapCoder.of(StringUtf8Coder.of(), ListCoder.of(DeadLetterCoder.of()));

  private DeadLetterStatsCoder() {}

  public static DeadLetterStatsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(DeadLetterStats stats, OutputStream out) throws IOException {
    COUNTS.encode(stats.counts, out);
    EXAMPLES.encode(stats.examples, out);
  }

  @Override
  public DeadLetterStats decode(InputStream in) throws IOException {
    DeadLetterStats stats = new DeadLetterStats();
    stats.counts.putAll(COUNTS.decode(in));
    for (Map.Entry<String, List<DeadLetter>> entry : EXAMPLES.decode(in).entrySet()) {
      stats.examples.put(entry.getKey(), List.copyOf(entry.getValue()));
    }
    return stats;
  }
}
