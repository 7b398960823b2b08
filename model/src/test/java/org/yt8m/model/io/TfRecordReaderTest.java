package org.yt8m.model.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TfRecordReaderTest {

  /**
   * The framing of the one-byte record "a": length 1 (uint64 LE), masked CRC-32C of the length,
   * the data, masked CRC-32C of the data. The checksums were computed apart from this code by a
   * bit-at-a-time CRC-32C in Python (which gives the standard check value e3069283 for
   * "123456789") and the mask of the reference; the real shards' checksums are verified in
   * RealShardsTest.
   */
  private static final String RECORD_A = "0100000000000000" + "0175de41" + "61" + "786ee428";

  @Test
  void writesTheFramingTensorFlowWrites() throws IOException {
    assertEquals(RECORD_A, HexFormat.of().formatHex(framed("a".getBytes(UTF_8))));
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TfRecordWriter writer = new TfRecordWriter(out)) {
      writer.write("first".getBytes(UTF_8));
      writer.write(new byte[0]);
      writer.write(big);
    }
    try (TfRecordReader reader = reader(out.toByteArray())) {
      assertTrue(reader.next());
      assertEquals("first", new String(reader.buffer(), 0, reader.length(), UTF_8));
      assertEquals(0, reader.recordOffset());
      assertTrue(reader.next());
      assertEquals(0, reader.length());
      assertEquals(21, reader.recordOffset());
      assertTrue(reader.next());
      assertArrayEquals(big, Arrays.copyOf(reader.buffer(), reader.length()));
      assertEquals(2, reader.recordIndex());
      assertFalse(reader.next());
    }
  }

  @Test
  void emptyStreamHasNoRecords() throws IOException {
    try (TfRecordReader reader = reader(new byte[0])) {
      assertFalse(reader.next());
    }
  }

  @Test
  void dataChecksumMismatchNamesFileRecordAndOffset() throws IOException {
    byte[] bytes = twoRecords();
    bytes[bytes.length - 6] ^= 1; // a data byte of the second record
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> readAll(bytes));
    assertEquals("shard.tfrecord: record 1 at byte offset 19: data checksum mismatch",
        e.getMessage());
  }

  @Test
  void lengthChecksumMismatchIsReported() {
    byte[] bytes = twoRecords();
    bytes[0] ^= 1;
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> readAll(bytes));
    assertTrue(e.getMessage().startsWith("shard.tfrecord: record 0 at byte offset 0: length"),
        e.getMessage());
  }

  @Test
  void truncatedRecordIsReported() {
    byte[] bytes = Arrays.copyOf(twoRecords(), 19 + 12 + 1);
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> readAll(bytes));
    assertEquals("shard.tfrecord: record 1 at byte offset 19: truncated record: 1 of 3 data "
        + "bytes", e.getMessage());
  }

  @Test
  void truncatedHeaderIsReported() {
    byte[] bytes = Arrays.copyOf(twoRecords(), 19 + 5);
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> readAll(bytes));
    assertEquals("shard.tfrecord: record 1 at byte offset 19: truncated header: 5 of 12 bytes",
        e.getMessage());
  }

  @Test
  void missingFooterIsReported() {
    byte[] bytes = Arrays.copyOf(twoRecords(), 19 + 12 + 3 + 2);
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> readAll(bytes));
    assertTrue(e.getMessage().endsWith("the data checksum is missing"), e.getMessage());
  }

  @Test
  void aHugeDeclaredLengthOnAShortStreamIsTruncationNotAnOutOfMemoryError() {
    // A header declaring 1 GiB with a valid length checksum (the spec's mask, computed here),
    // followed by 10 bytes.
    java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(12 + 10)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 30);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(header.array(), 0, 8);
    int value = (int) crc.getValue();
    header.putInt(((value >>> 15) | (value << 17)) + 0xa282ead8);
    CorruptRecordException e = assertThrows(CorruptRecordException.class,
        () -> readAll(header.array()));
    assertEquals("shard.tfrecord: record 0 at byte offset 0: truncated record: 10 of "
        + (1 << 30) + " data bytes", e.getMessage());
  }

  private static byte[] twoRecords() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(framed("abc".getBytes(UTF_8)));
      out.write(framed("xyz".getBytes(UTF_8)));
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] framed(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TfRecordWriter writer = new TfRecordWriter(out)) {
      writer.write(data);
    }
    return out.toByteArray();
  }

  private static void readAll(byte[] bytes) throws IOException {
    try (TfRecordReader reader = reader(bytes)) {
      while (reader.next()) {
        reader.length();
      }
    }
  }

  private static TfRecordReader reader(byte[] bytes) {
    return new TfRecordReader("shard.tfrecord", new ByteArrayInputStream(bytes));
  }
}
