package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.io.ByteStreams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;

/**
 * Reads a text input (a predictions file, a segment submission) line by line with 1-based line
 * numbers, which TextIO does not give, so a bad line's dead letter can say where it is. Skips
 * blank lines and a first line equal to the format's header. Lines end as
 * {@link BufferedReader#readLine} ends them: {@code \n}, {@code \r} or {@code \r\n}.
 *
 * <p>A large uncompressed file can be read in parallel: {@link #split} scans it once for line
 * ends (far cheaper than parsing its lines) and cuts it into {@link LineRange}s that start on a
 * line and know that line's number; each range is then read on its own.
 */
public final class TextLines {
  /** What to do with one data line. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(long number, String line);
  }

  /**
   * The bytes {@code [start, end)} of a file, which begin at the start of line {@code firstLine}
   * (1-based) and end after a line end or at the end of the file.
   */
  public record LineRange(long start, long end, long firstLine) {
    /** The whole file, however long, read from its first line (compressed files too). */
    public static final LineRange WHOLE_FILE = new LineRange(0, Long.MAX_VALUE, 1);

    /** Encodes a range as three varints. */
    public static final class Coder extends AtomicCoder<LineRange> {
      private static final Coder INSTANCE = new Coder();

      public static Coder of() {
        return INSTANCE;
      }

      @Override
      public void encode(LineRange range, OutputStream out) throws IOException {
        VarLongCoder.of().encode(range.start(), out);
        VarLongCoder.of().encode(range.end(), out);
        VarLongCoder.of().encode(range.firstLine(), out);
      }

      @Override
      public LineRange decode(InputStream in) throws IOException {
        return new LineRange(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in),
            VarLongCoder.of().decode(in));
      }

      @Override
      public void verifyDeterministic() {}
    }
  }

  private TextLines() {}

  /** Calls {@code consumer} for each data line of {@code file}. */
  public static void forEach(FileIO.ReadableFile file, String header, LineConsumer consumer)
      throws IOException {
    forEach(file, LineRange.WHOLE_FILE, header, consumer);
  }

  /** Calls {@code consumer} for each data line of {@code range} of {@code file}. */
  public static void forEach(FileIO.ReadableFile file, LineRange range, String header,
      LineConsumer consumer) throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        open(file, range), UTF_8), 1 << 20)) {
      long number = range.firstLine() - 1;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        boolean isHeader = number == 1 && line.strip().equalsIgnoreCase(header);
        if (!isHeader && !line.isBlank()) {
          consumer.accept(number, line);
        }
      }
    }
  }

  private static InputStream open(FileIO.ReadableFile file, LineRange range) throws IOException {
    if (range.equals(LineRange.WHOLE_FILE)) {
      return Channels.newInputStream(file.open());
    }
    SeekableByteChannel channel = file.openSeekable();
    channel.position(range.start());
    return ByteStreams.limit(Channels.newInputStream(channel), range.end() - range.start());
  }

  /**
   * Cuts {@code file} into ranges of at least {@code targetBytes} (the last may be shorter) that
   * start on a line: one scan of its bytes. Ranges end after a {@code \n}, so a file whose lines
   * all end in a lone {@code \r} stays whole. A file that is compressed, cannot seek
   * efficiently, or is not larger than {@code targetBytes} is one {@link LineRange#WHOLE_FILE}
   * range.
   */
  public static List<LineRange> split(FileIO.ReadableFile file, long targetBytes)
      throws IOException {
    if (file.getCompression() != Compression.UNCOMPRESSED
        || !file.getMetadata().isReadSeekEfficient()
        || file.getMetadata().sizeBytes() <= targetBytes) {
      return List.of(LineRange.WHOLE_FILE);
    }
    List<LineRange> ranges = new ArrayList<>();
    long rangeStart = 0;
    long rangeFirstLine = 1;
    long nextLine = 1;
    boolean afterCarriageReturn = false;
    long position = 0;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (ReadableByteChannel channel = file.open()) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        byte[] bytes = buffer.array();
        for (int i = 0; i < buffer.limit(); i++, position++) {
          byte b = bytes[i];
          if (b == '\n') {
            nextLine += afterCarriageReturn ? 0 : 1; // "\r\n" ends one line
            afterCarriageReturn = false;
            if (position + 1 - rangeStart >= targetBytes) {
              ranges.add(new LineRange(rangeStart, position + 1, rangeFirstLine));
              rangeStart = position + 1;
              rangeFirstLine = nextLine;
            }
          } else {
            afterCarriageReturn = b == '\r';
            nextLine += afterCarriageReturn ? 1 : 0;
          }
        }
        buffer.clear();
      }
    }
    if (rangeStart < position || ranges.isEmpty()) {
      ranges.add(new LineRange(rangeStart, position, rangeFirstLine));
    }
    return ranges;
  }
}
