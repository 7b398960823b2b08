package org.yt8m.transforms.shuffle;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.yt8m.transforms.io.SortedRuns;

/**
 * A record being shuffled: its seeded hash ({@link ShuffleIntoShards#hash}) and its encoded
 * bytes, which are what the shard holds. {@link #ORDER} is the shuffled order, and
 * {@link #FORMAT} how a record is an entry of a sorted run.
 */
record HashedRecord(long hash, byte[] bytes) {
  /** The shuffled order: a total order on (unsigned hash, encoded bytes). */
  static final Comparator<HashedRecord> ORDER = (a, b) -> {
    int byHash = Long.compareUnsigned(a.hash, b.hash);
    return byHash != 0 ? byHash : Arrays.compareUnsigned(a.bytes, b.bytes);
  };

  /** An entry of a run: the hash (8 bytes), the length (4 bytes), the bytes. */
  static final SortedRuns.Format<HashedRecord> FORMAT = new SortedRuns.Format<>() {
    @Override
    public void write(HashedRecord record, DataOutput out) throws IOException {
      out.writeLong(record.hash);
      out.writeInt(record.bytes.length);
      out.write(record.bytes);
    }

    @Override
    public HashedRecord read(DataInput in) throws IOException {
      long hash = in.readLong();
      int length = in.readInt();
      if (length < 0) {
        throw new IOException("a record of negative length " + length);
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      return new HashedRecord(hash, bytes);
    }
  };

  /** The record's hash bucket ({@link ShardPlan#bucketOf}). */
  int bucket() {
    return ShardPlan.bucketOf(hash);
  }

  /** The bytes of the record in a run. */
  int entryBytes() {
    return Long.BYTES + Integer.BYTES + bytes.length;
  }
}
