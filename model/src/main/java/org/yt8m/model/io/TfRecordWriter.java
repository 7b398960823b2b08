package org.yt8m.model.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord-framed records to a stream: the inverse of {@link TfRecordReader}, byte for byte
 * what TensorFlow's {@code TFRecordWriter} writes. Not thread-safe; closing closes the stream.
 */
public final class TfRecordWriter implements AutoCloseable {
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[TfRecordFraming.HEADER_BYTES];
  private final ByteBuffer headerView = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
  private final byte[] footer = new byte[TfRecordFraming.FOOTER_BYTES];
  private final ByteBuffer footerView = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN);

  public TfRecordWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes one record holding {@code data}. */
  public void write(byte[] data) throws IOException {
    write(data, 0, data.length);
  }

  /** Writes one record holding {@code data[offset, offset + length)}. */
  public void write(byte[] data, int offset, int length) throws IOException {
    headerView.putLong(0, length);
    headerView.putInt(8, TfRecordFraming.maskedCrc32c(crc, header, 0, 8));
    footerView.putInt(0, TfRecordFraming.maskedCrc32c(crc, data, offset, length));
    out.write(header);
    out.write(data, offset, length);
    out.write(footer);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
