package org.yt8m.transforms.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.BitSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.util.VarInt;

/** Encodes a {@link RecordStats} field by field, its class set as the BitSet's bytes. */
public final class RecordStatsCoder extends AtomicCoder<RecordStats> {
  private static final RecordStatsCoder INSTANCE = new RecordStatsCoder();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private RecordStatsCoder() {}

  public static RecordStatsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RecordStats stats, OutputStream out) throws IOException {
    VarInt.encode(stats.records, out);
    VarInt.encode(stats.recordsWithLabels, out);
    VarInt.encode(stats.labels, out);
    VarInt.encode(stats.maxLabelsPerVideo, out);
    VarInt.encode(stats.minLabel, out);
    VarInt.encode(stats.maxLabel, out);
    BYTES.encode(stats.classes.toByteArray(), out);
    VarInt.encode(stats.frameRecords, out);
    VarInt.encode(stats.frames, out);
    VarInt.encode(stats.minFrames, out);
    VarInt.encode(stats.maxFrames, out);
  }

  @Override
  public RecordStats decode(InputStream in) throws IOException {
    RecordStats stats = new RecordStats();
    stats.records = VarInt.decodeLong(in);
    stats.recordsWithLabels = VarInt.decodeLong(in);
    stats.labels = VarInt.decodeLong(in);
    stats.maxLabelsPerVideo = VarInt.decodeInt(in);
    stats.minLabel = VarInt.decodeInt(in);
    stats.maxLabel = VarInt.decodeInt(in);
    stats.classes = BitSet.valueOf(BYTES.decode(in));
    stats.frameRecords = VarInt.decodeLong(in);
    stats.frames = VarInt.decodeLong(in);
    stats.minFrames = VarInt.decodeInt(in);
    stats.maxFrames = VarInt.decodeInt(in);
    return stats;
  }
}
