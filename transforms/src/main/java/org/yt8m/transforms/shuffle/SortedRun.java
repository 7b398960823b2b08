package org.yt8m.transforms.shuffle;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.transforms.io.RunSlice;
import org.yt8m.transforms.io.SortedRuns;
import org.yt8m.transforms.shuffle.ShardPlan.BucketRange;

/**
 * A file of records in shuffled order, written inside the read ({@link
 * ShuffleIntoShards#runsInRead}), and its index: per non-empty hash bucket, how many records it
 * holds there and the byte at which they start. From the indexes alone the plan counts the
 * records per bucket, and each shard's writer is sent the byte range of its buckets in each
 * run ({@link #slice}), so that no record is shuffled as an element.
 *
 * <p>Immutable. About 16 bytes per non-empty bucket in memory, a few bytes encoded ({@link
 * Coder}: gaps between buckets and offsets).
 */
public final class SortedRun {
  private final String path;
  private final long length;
  // Ascending non-empty buckets; the records of each, and the byte at which they start.
  private final int[] buckets;
  private final int[] counts;
  private final long[] offsets;

  SortedRun(String path, long length, int[] buckets, int[] counts, long[] offsets) {
    checkArgument(buckets.length > 0, "%s: a run of no records", path);
    checkArgument(counts.length == buckets.length && offsets.length == buckets.length,
        "%s: %s buckets, %s counts, %s offsets", path, buckets.length, counts.length,
        offsets.length);
    for (int i = 0; i < buckets.length; i++) {
      checkArgument(counts[i] > 0 && 0 <= buckets[i] && buckets[i] < ShardPlan.BUCKETS
          && (i == 0 || buckets[i - 1] < buckets[i] && offsets[i - 1] < offsets[i])
          && offsets[i] < length, "%s: bad index entry %s: bucket %s, %s records at byte %s "
          + "of %s", path, i, buckets[i], counts[i], offsets[i], length);
    }
    this.path = path;
    this.length = length;
    this.buckets = buckets;
    this.counts = counts;
    this.offsets = offsets;
  }

  /** Writes {@code sorted} (in {@link HashedRecord#ORDER}, not empty) as the run {@code path}. */
  static SortedRun write(List<HashedRecord> sorted, String path) throws IOException {
    int distinct = 0;
    for (int i = 0; i < sorted.size(); i++) {
      distinct += i == 0 || sorted.get(i - 1).bucket() != sorted.get(i).bucket() ? 1 : 0;
    }
    int[] buckets = new int[distinct];
    int[] counts = new int[distinct];
    long[] offsets = new long[distinct];
    try (SortedRuns.Writer<HashedRecord> run = SortedRuns.create(path, HashedRecord.FORMAT)) {
      int index = -1;
      for (HashedRecord record : sorted) {
        if (index < 0 || buckets[index] != record.bucket()) {
          index++;
          buckets[index] = record.bucket();
          offsets[index] = run.position();
        }
        counts[index]++;
        run.add(record);
      }
      return new SortedRun(path, run.position(), buckets, counts, offsets);
    }
  }

  /** The run's file. */
  public String path() {
    return path;
  }

  /** The number of non-empty buckets. */
  int size() {
    return buckets.length;
  }

  /** The {@code i}-th non-empty bucket, in ascending order. */
  int bucket(int i) {
    return buckets[i];
  }

  /** The records of the {@code i}-th non-empty bucket. */
  int count(int i) {
    return counts[i];
  }

  /** The bytes of the records of the buckets in {@code range}, if the run has any. */
  Optional<RunSlice> slice(BucketRange range) {
    int from = firstAtOrAfter(range.first());
    int to = firstAtOrAfter(range.last() + 1);
    if (from == to) {
      return Optional.empty();
    }
    return Optional.of(new RunSlice(path, offsets[from],
        to < buckets.length ? offsets[to] : length));
  }

  /** The index of the first non-empty bucket at or after {@code bucket}. */
  private int firstAtOrAfter(int bucket) {
    int found = Arrays.binarySearch(buckets, bucket);
    return found >= 0 ? found : -found - 1;
  }

  @Override
  public String toString() {
    return path + " (" + length + " bytes, " + buckets.length + " buckets)";
  }

  /** Encodes a {@link SortedRun}: its path and length, then gaps of buckets and offsets. */
  public static final class Coder extends AtomicCoder<SortedRun> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SortedRun run, OutputStream out) throws IOException {
      STRING.encode(run.path, out);
      VarInt.encode(run.length, out);
      VarInt.encode(run.buckets.length, out);
      for (int i = 0; i < run.buckets.length; i++) {
        VarInt.encode(run.buckets[i] - (i == 0 ? 0 : run.buckets[i - 1]), out);
        VarInt.encode(run.counts[i], out);
        VarInt.encode(run.offsets[i] - (i == 0 ? 0 : run.offsets[i - 1]), out);
      }
    }

    @Override
    public SortedRun decode(InputStream in) throws IOException {
      String path = STRING.decode(in);
      long length = VarInt.decodeLong(in);
      int size = VarInt.decodeInt(in);
      int[] buckets = new int[size];
      int[] counts = new int[size];
      long[] offsets = new long[size];
      for (int i = 0; i < size; i++) {
        buckets[i] = (i == 0 ? 0 : buckets[i - 1]) + VarInt.decodeInt(in);
        counts[i] = VarInt.decodeInt(in);
        offsets[i] = (i == 0 ? 0 : offsets[i - 1]) + VarInt.decodeLong(in);
      }
      return new SortedRun(path, length, buckets, counts, offsets);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
