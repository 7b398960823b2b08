package org.yt8m.model.io;

import static com.google.common.base.Preconditions.checkState;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads TFRecord-framed records one at a time into a reused buffer, checking both checksums of
 * every record. Errors name the source, the record's index and its byte offset.
 *
 * <pre>{@code
 * try (TfRecordReader reader = new TfRecordReader("train0000.tfrecord", stream)) {
 *   while (reader.next()) {
 *     decoder.decodeVideo(reader.buffer(), reader.length());
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe. The buffer returned by {@link #buffer()} is overwritten by the next call
 * to {@link #next()}.
 */
public final class TfRecordReader implements AutoCloseable {
  private static final int MAX_RECORD_BYTES = Integer.MAX_VALUE - 64;

  private final String source;
  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[TfRecordFraming.HEADER_BYTES];
  private final ByteBuffer headerView = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
  private final byte[] footer = new byte[TfRecordFraming.FOOTER_BYTES];
  private byte[] buffer = new byte[8192];
  private int length = -1;
  private long recordIndex = -1;
  private long recordOffset;
  private long nextOffset;

  /**
   * @param source the file name used in error messages
   * @param in the (already decompressed) stream; buffered reads are the caller's choice, as
   *     this reader asks for whole headers and records at a time
   */
  public TfRecordReader(String source, InputStream in) {
    this.source = source;
    this.in = in;
  }

  /**
   * Reads the next record.
   *
   * @return false at a clean end of the stream (exactly at a record boundary)
   * @throws CorruptRecordException when a checksum does not match or the stream ends inside a
   *     record
   */
  public boolean next() throws IOException {
    recordIndex++;
    recordOffset = nextOffset;
    int headerRead = readFully(header, 0, header.length);
    if (headerRead == 0) {
      length = -1;
      return false;
    }
    if (headerRead < header.length) {
      throw corrupt("truncated header: " + headerRead + " of " + header.length + " bytes");
    }
    long declared = headerView.getLong(0);
    int lengthCrc = headerView.getInt(8);
    if (lengthCrc != TfRecordFraming.maskedCrc32c(crc, header, 0, 8)) {
      throw corrupt("length checksum mismatch (not a TFRecord file, or corrupt)");
    }
    if (declared < 0 || declared > MAX_RECORD_BYTES) {
      throw corrupt("record length " + Long.toUnsignedString(declared) + " is out of range");
    }
    length = (int) declared;
    if (buffer.length < length) {
      // Grow in steps as the data arrives, so a corrupt length cannot demand gigabytes up
      // front (its checksum passed, but a stream can still end early).
      buffer = Arrays.copyOf(buffer, (int) Math.min(length, Math.max(buffer.length * 2L,
          Math.min(length, 1 << 20))));
    }
    int dataRead = readGrowing(length);
    if (dataRead < length) {
      throw corrupt("truncated record: " + dataRead + " of " + length + " data bytes");
    }
    int footerRead = readFully(footer, 0, footer.length);
    if (footerRead < footer.length) {
      throw corrupt("truncated record: the data checksum is missing");
    }
    int dataCrc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (dataCrc != TfRecordFraming.maskedCrc32c(crc, buffer, 0, length)) {
      throw corrupt("data checksum mismatch");
    }
    nextOffset = recordOffset + TfRecordFraming.HEADER_BYTES + length
        + TfRecordFraming.FOOTER_BYTES;
    return true;
  }

  /** The current record's bytes are {@code buffer()[0, length())}. */
  public byte[] buffer() {
    checkState(length >= 0, "no current record");
    return buffer;
  }

  /** The current record's length in bytes. */
  public int length() {
    checkState(length >= 0, "no current record");
    return length;
  }

  /** The current record's 0-based index in the stream. */
  public long recordIndex() {
    return recordIndex;
  }

  /** The current record's byte offset in the (decompressed) stream. */
  public long recordOffset() {
    return recordOffset;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private CorruptRecordException corrupt(String problem) {
    return new CorruptRecordException(source + ": record " + recordIndex + " at byte offset "
        + recordOffset + ": " + problem);
  }

  /** Reads {@code count} data bytes into the buffer, doubling it as they arrive. */
  private int readGrowing(int count) throws IOException {
    int total = 0;
    while (total < count) {
      if (total == buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(count, buffer.length * 2L));
      }
      int read = readFully(buffer, total, Math.min(count, buffer.length) - total);
      total += read;
      if (total < Math.min(count, buffer.length)) {
        break; // the stream ended
      }
    }
    return total;
  }

  private int readFully(byte[] target, int offset, int count) throws IOException {
    int total = 0;
    while (total < count) {
      int read;
      try {
        read = in.read(target, offset + total, count - total);
      } catch (EOFException e) {
        // GZIP streams cut short report themselves this way.
        throw corrupt("truncated compressed stream");
      } catch (CorruptRecordException e) {
        throw e;
      } catch (IOException e) {
        // A corrupt compressed stream, or a failing read: say where.
        throw corrupt("cannot read: " + (e.getMessage() != null ? e.getMessage() : e));
      }
      if (read < 0) {
        break;
      }
      total += read;
    }
    return total;
  }
}
