package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.metrics.ScoreCounts;
import org.yt8m.transforms.combine.Mergeable;

/**
 * The score counts of several AP keys ({@link ApKeys}: class or GAP, score bucket): the unit
 * the evaluation combines. Keys are spread over a fixed number of groups, one accumulator per
 * group, so the combine has few keys (and bundles) however many classes and buckets there are.
 * Mutable; a combine accumulator.
 */
final class KeyedCounts implements Mergeable<KeyedCounts> {
  private final Map<Long, ScoreCounts> counts = new HashMap<>();

  /** The group of {@code key} among {@code groups}. */
  static int group(long key, int groups) {
    return Math.floorMod(Long.hashCode(key * 0x9E3779B97F4A7C15L), groups);
  }

  /** Takes {@code keyCounts} (not copied) as the counts of {@code key}, which it must lack. */
  void put(long key, ScoreCounts keyCounts) {
    ScoreCounts previous = counts.putIfAbsent(key, keyCounts);
    if (previous != null) {
      throw new IllegalStateException("key " + key + " already has counts");
    }
  }

  @Override
  public KeyedCounts merge(KeyedCounts other) {
    // Copies, never shares, other's counts: other may be an input element, not to be mutated.
    other.counts.forEach((key, value) -> counts.computeIfAbsent(key, k -> new ScoreCounts())
        .addAll(value));
    return this;
  }

  Map<Long, ScoreCounts> counts() {
    return counts;
  }

  /** Encodes the keys in ascending order, each with its compacted counts. */
  static final class Coder extends AtomicCoder<KeyedCounts> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(KeyedCounts value, OutputStream out) throws IOException {
      VarInt.encode(value.counts.size(), out);
      for (Map.Entry<Long, ScoreCounts> entry : new TreeMap<>(value.counts).entrySet()) {
        VarInt.encode(entry.getKey(), out);
        ScoreCountsCoder.of().encode(entry.getValue(), out);
      }
    }

    @Override
    public KeyedCounts decode(InputStream in) throws IOException {
      KeyedCounts value = new KeyedCounts();
      int size = VarInt.decodeInt(in);
      for (int i = 0; i < size; i++) {
        value.counts.put(VarInt.decodeLong(in), ScoreCountsCoder.of().decode(in));
      }
      return value;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
