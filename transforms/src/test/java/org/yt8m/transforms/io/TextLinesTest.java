package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
   * Splits each file at {@code target} bytes and reads every range: "number line" for each line,
   * and "split" when there was more than one range.
   */
  private static final class ReadInRangesFn extends DoFn<FileIO.ReadableFile, String> {
    private final long target;

    ReadInRangesFn(long target) {
      this.target = target;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<String> out)
        throws IOException {
      List<TextLines.LineRange> ranges = TextLines.split(file, target);
      for (TextLines.LineRange range : ranges) {
        TextLines.forEach(file, range, HEADER, (number, line) -> out.output(number + " " + line));
      }
      if (ranges.size() > 1) {
        out.output("split");
      }
    }
  }
}
