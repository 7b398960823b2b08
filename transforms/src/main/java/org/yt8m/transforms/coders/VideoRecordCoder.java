package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.record.VideoRecord;

/**
 * Encodes a {@link VideoRecord} as its id, its labels as varint gaps, and its features as raw
 * little-endian float32s: deterministic, and no larger than the record's TFRecord form.
 */
public final class VideoRecordCoder extends AtomicCoder<VideoRecord> {
  private static final VideoRecordCoder INSTANCE = new VideoRecordCoder();

  private VideoRecordCoder() {}

  public static VideoRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(VideoRecord record, OutputStream out) throws IOException {
    RecordCoding.writeId(record.id(), out);
    RecordCoding.writeLabels(record.labels(), out);
    RecordCoding.writeFloats(record.features(), out);
  }

  @Override
  public VideoRecord decode(InputStream in) throws IOException {
    String id = RecordCoding.readId(in);
    int[] labels = RecordCoding.readLabels(in);
    return VideoRecord.of(id, labels, RecordCoding.readFloats(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean isRegisterByteSizeObserverCheap(VideoRecord record) {
    return true;
  }

  @Override
  protected long getEncodedElementByteSize(VideoRecord record) {
    return RecordCoding.encodedSize(record.id(), record.labels())
        + VarInt.getLength(record.features().length) + 4L * record.features().length;
  }
}
