package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Throwables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.testing.TestPipelines;

/** Reading a file in line ranges numbers and yields every line exactly as reading it whole. */
class TextLinesTest {
  private static final String HEADER = "VideoId,LabelConfidencePairs";
  /** \n, \r\n and a lone \r end lines; blank lines, a header, UTF-8, no final line end. */
  private static final String TEXT = HEADER + "\r\n" + "a,1 0.5\n" + "\n"
      + "b,2 0.25\r\n" + "ç€,3 0.125\r" + "d,4 1\n" + "\r\n" + "e,5 0.5\n" + "f,6 0.75";
  private static final List<String> EXPECTED = List.of("2 a,1 0.5", "4 b,2 0.25",
      "5 ç€,3 0.125", "6 d,4 1", "8 e,5 0.5", "9 f,6 0.75");

  @TempDir
  Path dir;

  @Test
  void rangesOfAnySizeReadEveryLineOnceWithItsNumber() throws IOException {
    Path file = Files.writeString(dir.resolve("lines.csv"), TEXT, UTF_8);
    Pipeline pipeline = TestPipelines.create();
    PCollection<FileIO.ReadableFile> files = pipeline
        .apply(FileIO.match().filepattern(file.toString())).apply(FileIO.readMatches());
    long size = Files.size(file);
    for (long target : new long[] {1, 2, 3, 7, 11, 20, size - 1, size, 1 << 20}) {
      List<String> expected = new ArrayList<>(EXPECTED);
      if (target <= 20) {
        expected.add("split"); // the last line end is 9 bytes before the end of the file
      }
      PAssert.that(files.apply("Target" + target, ParDo.of(new ReadInRangesFn(target))))
          .containsInAnyOrder(expected);
    }
    pipeline.run();
  }

  @Test
  void aCompressedFileIsReadWhole() throws IOException {
    Path file = dir.resolve("lines.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(TEXT.getBytes(UTF_8));
    }
    Pipeline pipeline = TestPipelines.create();
    PCollection<String> lines = pipeline.apply(FileIO.match().filepattern(file.toString()))
        .apply(FileIO.readMatches().withCompression(Compression.AUTO))
        .apply(ParDo.of(new ReadInRangesFn(1)));
    PAssert.that(lines).containsInAnyOrder(EXPECTED);
    pipeline.run();
  }

  /** Line ends that straddle the scan's 1 MiB buffers are counted once, where they are. */
  @Test
  void lineEndsAcrossScanBuffersKeepTheirNumbers() throws IOException {
    String mib = "a".repeat((1 << 20) - 1);
    Path crlf = Files.writeString(dir.resolve("crlf.csv"), mib + "\r\nb\nc\r\nd", UTF_8);
    Path cr = Files.writeString(dir.resolve("cr.csv"), mib + "\rb\r\nc\nd\n", UTF_8);
    Pipeline pipeline = TestPipelines.create();
    for (Path file : List.of(crlf, cr)) {
      PAssert.that(pipeline.apply("Match" + file.getFileName(), FileIO.match()
              .filepattern(file.toString())).apply("Open" + file.getFileName(),
              FileIO.readMatches())
          .apply("Read" + file.getFileName(), ParDo.of(new ReadInRangesFn(100)))
          .apply("Shorten" + file.getFileName(), MapElements.into(TypeDescriptors.strings())
              .via(line -> line.length() > 20 ? line.substring(0, 4) + line.length() : line)))
          .containsInAnyOrder("1 aa" + (mib.length() + 2), "2 b", "3 c", "4 d", "split");
    }
    pipeline.run();
  }

  /**
   * Quoted fields (ids holding a comma, a quote or a line break) keep their line breaks and are
   * numbered by their first line, and no cut falls inside one, whatever the range size.
   */
  @Test
  void quotedFieldsStayWholeWhereverTheFileIsCut() throws IOException {
    String text = HEADER + "\n" + "\"a,b\",1 0.5\n" + "\"two\nlines\",2 0.5\r\n"
        + "\"cr\r\nlf\r\",3 0.5\n" + "\"q\"\"\n\",4 0.5\r" + "plain\"x,5 0.5\n"
        + "6,\"seg\n1:0 seg,2:5\"\n" + "last,7 0.5";
    // Lines 5-7 are one record: "cr, \r\n, lf, \r, then the end of the quote.
    List<String> records = List.of("2 \"a,b\",1 0.5", "3 \"two\nlines\",2 0.5",
        "5 \"cr\r\nlf\r\",3 0.5", "8 \"q\"\"\n\",4 0.5", "10 plain\"x,5 0.5",
        "11 6,\"seg\n1:0 seg,2:5\"", "13 last,7 0.5");
    Path file = Files.writeString(dir.resolve("quoted.csv"), text, UTF_8);
    long size = Files.size(file);
    List<String> expected = new ArrayList<>();
    for (long target = 1; target <= size; target++) {
      for (String record : records) {
        expected.add(target + ": " + record);
      }
    }
    Pipeline pipeline = TestPipelines.create();
    PAssert.that(pipeline.apply(FileIO.match().filepattern(file.toString()))
            .apply(FileIO.readMatches())
            .apply(ParDo.of(new ReadAtEveryCutFn(size))))
        .containsInAnyOrder(expected);
    pipeline.run();
  }

  /** A UTF-8 byte order mark is no part of the first line: a header after it is the header. */
  @Test
  void aByteOrderMarkBeforeTheHeaderOrTheFirstLineIsSkipped() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Path withHeader = dir.resolve("header.csv");
    Files.write(withHeader, concat(bom, (HEADER + "\na,1 0.5\nb,2 0.5\n").getBytes(UTF_8)));
    Path withoutHeader = dir.resolve("data.csv");
    Files.write(withoutHeader, concat(bom, "\"q\nx\",1 0.5\nb,2 0.5\n".getBytes(UTF_8)));
    Pipeline pipeline = TestPipelines.create();
    for (long target : new long[] {1, 1 << 20}) {
      PAssert.that(pipeline.apply("Header" + target, FileIO.match()
              .filepattern(withHeader.toString())).apply("OpenHeader" + target,
              FileIO.readMatches())
          .apply("ReadHeader" + target, ParDo.of(new ReadInRangesFn(target, false))))
          .containsInAnyOrder("2 a,1 0.5", "3 b,2 0.5");
      PAssert.that(pipeline.apply("Data" + target, FileIO.match()
              .filepattern(withoutHeader.toString())).apply("OpenData" + target,
              FileIO.readMatches())
          .apply("ReadData" + target, ParDo.of(new ReadInRangesFn(target, false))))
          .containsInAnyOrder("1 \"q\nx\",1 0.5", "3 b,2 0.5");
    }
    pipeline.run();
  }

  @Test
  void aTruncatedCompressedFileIsAnErrorNamingIt() throws IOException {
    Path file = dir.resolve("lines.csv.gz");
    StringBuilder text = new StringBuilder(HEADER + "\n");
    for (int i = 0; i < 5000; i++) {
      text.append("video").append(i).append(',').append(i % 7).append(' ')
          .append(1.0 / (i + 1)).append('\n');
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.toString().getBytes(UTF_8));
    }
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(FileIO.match().filepattern(file.toString()))
        .apply(FileIO.readMatches().withCompression(Compression.AUTO))
        .apply(ParDo.of(new ReadInRangesFn(1, false)));
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    String message = Throwables.getCausalChain(e).stream().map(Throwable::getMessage)
        .filter(m -> m != null && m.startsWith(file.toString())).findFirst().orElse(e.toString());
    assertTrue(message.matches(Pattern.quote(file + ": cannot read past line ") + "\\d+: "
        + "the compressed data ends early: the file is truncated"), message);
  }

  /** A FIFO would block the read until a writer came: it is refused, named, before opening. */
  @Test
  void aFifoIsAnErrorNamingItNotAHang() throws Exception {
    Path fifo = dir.resolve("predictions.csv");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(FileIO.match().filepattern(fifo.toString()))
        .apply(FileIO.readMatches())
        .apply(ParDo.of(new ReadInRangesFn(1 << 20, false)));
    Exception e = assertTimeoutPreemptively(Duration.ofMinutes(1),
        () -> assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish()));
    assertEquals(fifo + " is a FIFO (named pipe), not a regular file: only regular files can "
        + "be read", Throwables.getRootCause(e).getMessage());
  }

  /** Reads the file in ranges of every target size up to its own: "target: number line". */
  private static final class ReadAtEveryCutFn extends DoFn<FileIO.ReadableFile, String> {
    private final long size;

    ReadAtEveryCutFn(long size) {
      this.size = size;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<String> out)
        throws IOException {
      for (long target = 1; target <= size; target++) {
        long cut = target;
        for (TextLines.LineRange range : TextLines.split(file, target)) {
          TextLines.forEach(file, range, HEADER,
              (number, line) -> out.output(cut + ": " + number + " " + line));
        }
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /**
   * Splits each file at {@code target} bytes and reads every range: "number line" for each line,
   * and "split" when there was more than one range (if asked to mark splits).
   */
  private static final class ReadInRangesFn extends DoFn<FileIO.ReadableFile, String> {
    private final long target;
    private final boolean markSplits;

    ReadInRangesFn(long target) {
      this(target, true);
    }

    ReadInRangesFn(long target, boolean markSplits) {
      this.target = target;
      this.markSplits = markSplits;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<String> out)
        throws IOException {
      List<TextLines.LineRange> ranges = TextLines.split(file, target);
      for (TextLines.LineRange range : ranges) {
        TextLines.forEach(file, range, HEADER, (number, line) -> out.output(number + " " + line));
      }
      if (markSplits && ranges.size() > 1) {
        out.output("split");
      }
    }
  }
}
