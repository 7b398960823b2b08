package org.yt8m.transforms.io;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The checksum set manifests list: CRC32C (Castagnoli, the checksum GCS keeps for objects), as
 * 8 lowercase hex digits. The JDK's CRC32C runs on the CPU's CRC instructions, so computing it
 * while a file is written or read costs next to nothing.
 */
final class Crc32c {
  private Crc32c() {}

  /** {@code value} as 8 hex digits. */
  static String hex(long value) {
    return String.format(Locale.ROOT, "%08x", value);
  }

  /** Passes bytes on, counting them and their CRC32C. */
  static final class CountingOutputStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    private long bytes;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      bytes += len;
    }

    long bytes() {
      return bytes;
    }

    String crc32c() {
      return hex(crc.getValue());
    }
  }

  /**
   * Passes bytes on and, once the stream is read to its end, fails unless they were
   * {@code expectedBytes} bytes with CRC32C {@code expected}.
   */
  static final class VerifyingInputStream extends FilterInputStream {
    private final String name;
    private final long expectedBytes;
    private final String expected;
    private final String source;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    /** {@code source} names what said what to expect, for the message. */
    VerifyingInputStream(InputStream in, String name, long expectedBytes, String expected,
        String source) {
      super(in);
      this.name = name;
      this.expectedBytes = expectedBytes;
      this.expected = expected;
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        atEnd();
      } else {
        crc.update(b);
        bytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        atEnd();
      } else {
        crc.update(b, off, n);
        bytes += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes must still be checksummed: read them.
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (read < 0) {
          break;
        }
        skipped += read;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void atEnd() throws IOException {
      String actual = hex(crc.getValue());
      if (bytes != expectedBytes || !actual.equals(expected)) {
        throw new SetMismatchException(name + ": " + bytes + " bytes with CRC32C " + actual + ", where "
            + source + " lists " + expectedBytes + " bytes with CRC32C " + expected
            + ": the file changed after its set was written");
      }
    }
  }
}
