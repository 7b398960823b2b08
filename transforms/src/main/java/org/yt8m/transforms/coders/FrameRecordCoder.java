package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.record.FrameRecord;

/**
 * Encodes a {@link FrameRecord} as its id, its labels as varint gaps, its shape, and its frames
 * still quantized (one byte per value).
 */
public final class FrameRecordCoder extends AtomicCoder<FrameRecord> {
  private static final FrameRecordCoder INSTANCE = new FrameRecordCoder();

  private FrameRecordCoder() {}

  public static FrameRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(FrameRecord record, OutputStream out) throws IOException {
    RecordCoding.writeId(record.id(), out);
    RecordCoding.writeLabels(record.labels(), out);
    VarInt.encode(record.numFrames(), out);
    VarInt.encode(record.frameSize(), out);
    RecordCoding.writeBytes(record.quantizedFrames(), out);
  }

  @Override
  public FrameRecord decode(InputStream in) throws IOException {
    String id = RecordCoding.readId(in);
    int[] labels = RecordCoding.readLabels(in);
    int numFrames = VarInt.decodeInt(in);
    int frameSize = VarInt.decodeInt(in);
    return FrameRecord.of(id, labels, numFrames, frameSize, RecordCoding.readBytes(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean isRegisterByteSizeObserverCheap(FrameRecord record) {
    return true;
  }

  @Override
  protected long getEncodedElementByteSize(FrameRecord record) {
    int frameBytes = record.quantizedFrames().length;
    return RecordCoding.encodedSize(record.id(), record.labels())
        + VarInt.getLength(record.numFrames()) + VarInt.getLength(record.frameSize())
        + VarInt.getLength(frameBytes) + frameBytes;
  }
}
