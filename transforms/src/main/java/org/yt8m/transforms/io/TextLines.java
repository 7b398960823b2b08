package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.io.ByteStreams;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
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
 * Reads a text input (a predictions file, a segment submission) record by record with 1-based
 * line numbers, which TextIO does not give, so a bad line's dead letter can say where it is.
 * Records are RFC 4180's: a line break inside a quoted field (a field whose first character is
 * a double quote, up to its closing quote; {@link org.yt8m.model.io.CsvField}) belongs to the
 * field, so a video id holding one stays whole; a record is numbered by its first line and the
 * lines after it keep their numbers in the file. Lines end as {@link BufferedReader#readLine}
 * ends them: {@code \n}, {@code \r} or {@code \r\n}. Skips blank records and a first line
 * equal to the format's header, a UTF-8 byte order mark before it included.
 *
 * <p>Only regular files are read ({@link RegularFiles}); a read that fails (a truncated
 * {@code .gz}, a disk error) names the file and the line it got to.
 *
 * <p>A large uncompressed file can be read in parallel: {@link #split} scans it once for
 * record ends (far cheaper than parsing its lines) and cuts it into {@link LineRange}s that
 * start on a record and know that record's line number; each range is then read on its own.
 */
public final class TextLines {
  /**
   * The longest record read, in characters: far more than any line of the formats read here
   * (a segment submission's line of 100,000 segments is under 2 million), so a longer one is a
   * quoted field that is never closed, swallowing the rest of the file.
   */
  static final int MAX_RECORD_CHARS = 1 << 24;

  private static final char BYTE_ORDER_MARK = '\uFEFF';

  /** What to do with one data record (a line, or several when a quoted field spans them). */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(long number, String line);
  }

  /**
   * The bytes {@code [start, end)} of a file, which begin at the start of a record on line
   * {@code firstLine} (1-based) and end after a record's line end or at the end of the file.
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

  /** Calls {@code consumer} for each data record of {@code file}. */
  public static void forEach(FileIO.ReadableFile file, String header, LineConsumer consumer)
      throws IOException {
    forEach(file, LineRange.WHOLE_FILE, header, consumer);
  }

  /** Calls {@code consumer} for each data record of {@code range} of {@code file}. */
  public static void forEach(FileIO.ReadableFile file, LineRange range, String header,
      LineConsumer consumer) throws IOException {
    String name = file.getMetadata().resourceId().toString();
    RecordScanner scanner = new RecordScanner();
    StringBuilder record = new StringBuilder();
    long recordLine = range.firstLine();
    char[] buffer = new char[1 << 16];
    try (Reader reader = new InputStreamReader(open(file, range), UTF_8)) {
      boolean atFileStart = range.start() == 0;
      for (int n = read(reader, buffer, name, scanner, range); n >= 0;
          n = read(reader, buffer, name, scanner, range)) {
        int from = atFileStart && n > 0 && buffer[0] == BYTE_ORDER_MARK ? 1 : 0;
        atFileStart = false;
        int text = from;
        for (int i = from; i < n; i++) {
          int action = scanner.next(buffer[i]);
          if (action != RecordScanner.TEXT) {
            record.append(buffer, text, i - text);
            text = i + 1;
            if (action == RecordScanner.END) {
              accept(recordLine, record, header, consumer);
              record.setLength(0);
              recordLine = range.firstLine() + scanner.lines();
            }
          }
        }
        record.append(buffer, text, n - text);
        if (record.length() > MAX_RECORD_CHARS) {
          throw new IOException(name + ": line " + recordLine + " begins a record of more "
              + "than " + MAX_RECORD_CHARS + " characters: is a quoted field never closed?");
        }
      }
    }
    accept(recordLine, record, header, consumer);
  }

  private static void accept(long number, StringBuilder record, String header,
      LineConsumer consumer) {
    if (record.length() == 0) {
      return;
    }
    String line = record.toString();
    boolean isHeader = number == 1 && line.strip().equalsIgnoreCase(header);
    if (!isHeader && !line.isBlank()) {
      consumer.accept(number, line);
    }
  }

  /** Reads the next characters, or fails naming the file and how far the read got. */
  private static int read(Reader reader, char[] buffer, String name, RecordScanner scanner,
      LineRange range) throws IOException {
    try {
      return reader.read(buffer);
    } catch (IOException e) {
      String problem = e instanceof EOFException ? "the compressed data ends early: the file "
          + "is truncated" : e.getMessage() != null ? e.getMessage() : e.toString();
      throw new IOException(name + ": cannot read past line " + (range.firstLine()
          + scanner.lines()) + ": " + problem, e);
    }
  }

  private static InputStream open(FileIO.ReadableFile file, LineRange range) throws IOException {
    RegularFiles.require(file.getMetadata().resourceId());
    if (range.equals(LineRange.WHOLE_FILE)) {
      return Channels.newInputStream(file.open());
    }
    SeekableByteChannel channel = file.openSeekable();
    channel.position(range.start());
    return ByteStreams.limit(Channels.newInputStream(channel), range.end() - range.start());
  }

  /**
   * Cuts {@code file} into ranges of at least {@code targetBytes} (the last may be shorter) that
   * start on a record: one scan of its bytes. Ranges end after a {@code \n} that ends a record,
   * so a file whose lines all end in a lone {@code \r} stays whole. A file that is compressed,
   * cannot seek efficiently, or is not larger than {@code targetBytes} is one
   * {@link LineRange#WHOLE_FILE} range.
   */
  public static List<LineRange> split(FileIO.ReadableFile file, long targetBytes)
      throws IOException {
    RegularFiles.require(file.getMetadata().resourceId());
    if (file.getCompression() != Compression.UNCOMPRESSED
        || !file.getMetadata().isReadSeekEfficient()
        || file.getMetadata().sizeBytes() <= targetBytes) {
      return List.of(LineRange.WHOLE_FILE);
    }
    List<LineRange> ranges = new ArrayList<>();
    RecordScanner scanner = new RecordScanner();
    long rangeStart = 0;
    long rangeFirstLine = 1;
    long position = 0;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (ReadableByteChannel channel = file.open()) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        byte[] bytes = buffer.array();
        int from = position == 0 && startsWithByteOrderMark(bytes, buffer.limit()) ? 3 : 0;
        position += from;
        for (int i = from; i < buffer.limit(); i++, position++) {
          byte b = bytes[i];
          // Only ASCII matters to the scanner, and no byte of a multi-byte UTF-8 character is.
          if (scanner.next(b) != RecordScanner.TEXT && b == '\n'
              && position + 1 - rangeStart >= targetBytes) {
            ranges.add(new LineRange(rangeStart, position + 1, rangeFirstLine));
            rangeStart = position + 1;
            rangeFirstLine = 1 + scanner.lines();
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

  private static boolean startsWithByteOrderMark(byte[] bytes, int length) {
    return length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF;
  }

  /**
   * RFC 4180's records, one character at a time: a line break ends a record unless it lies in
   * a quoted field (one whose first character is a double quote, up to the quote that closes
   * it; a doubled quote inside is a quote). {@code \r\n} is one line break. Fed characters or
   * UTF-8 bytes alike, so {@link #split} cuts where {@link #forEach} ends records.
   */
  private static final class RecordScanner {
    /** Part of the record. */
    static final int TEXT = 0;
    /** A line break that ends the record. */
    static final int END = 1;
    /** The {@code \n} of a {@code \r\n} whose {@code \r} ended the record. */
    static final int SKIP = 2;

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;

    private int state = FIELD_START;
    private boolean afterCarriageReturn;
    private boolean ended;
    private long lines;

    /** What {@code c} is: {@link #TEXT}, {@link #END} or {@link #SKIP}. */
    int next(int c) {
      boolean lineBreak = c == '\n' || c == '\r';
      boolean secondHalf = c == '\n' && afterCarriageReturn;
      afterCarriageReturn = c == '\r';
      if (lineBreak && !secondHalf) {
        lines++;
      }
      if (secondHalf && ended) {
        ended = false;
        return SKIP;
      }
      ended = false;
      if (state == QUOTED) {
        state = c == '"' ? QUOTE_IN_QUOTED : QUOTED;
        return TEXT;
      }
      if (state == QUOTE_IN_QUOTED && c == '"') {
        state = QUOTED;
        return TEXT;
      }
      if (lineBreak) {
        state = FIELD_START;
        ended = true;
        return END;
      }
      state = c == ',' ? FIELD_START : state == FIELD_START && c == '"' ? QUOTED : UNQUOTED;
      return TEXT;
    }

    /** The line breaks seen, inside quoted fields too. */
    long lines() {
      return lines;
    }
  }
}
