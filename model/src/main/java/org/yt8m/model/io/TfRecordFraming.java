package org.yt8m.model.io;

import java.util.zip.CRC32C;

/**
 * TFRecord framing constants and checksum: {@code uint64 length}, {@code uint32
 * masked_crc32c(length)}, data, {@code uint32 masked_crc32c(data)}, all little-endian, where
 * {@code masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8}.
 */
final class TfRecordFraming {
  static final int HEADER_BYTES = 12;
  static final int FOOTER_BYTES = 4;
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecordFraming() {}

  /** The masked CRC-32C of {@code bytes[offset, offset + length)}. */
  static int maskedCrc32c(CRC32C crc, byte[] bytes, int offset, int length) {
    crc.reset();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }
}
