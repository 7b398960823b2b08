package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.BadLineException;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.io.CheckSets;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.TextLines;
import org.yt8m.transforms.io.TextLines.LineRange;

/**
 * Reads predictions files in the starter code's inference format ({@code VideoId,
 * LabelConfidencePairs} header, then {@code id,class score class score ...}) into each video's
 * ranked predictions, keyed by video id.
 *
 * <p>Files are read line by line in a DoFn (TextIO gives no line numbers), so a malformed line
 * becomes a dead letter naming the file, the line number and the reason: {@code malformed_line},
 * {@code missing_id}, {@code odd_token_count}, {@code bad_class}, {@code class_out_of_range},
 * {@code bad_score} (including NaN and Infinity), {@code duplicate_class}; each is counted as
 * {@code malformed_<reason>}. Pairs are re-ranked by score, not trusted in file order. Ids are
 * read as RFC 4180 fields ({@link CsvField}: quoted when they hold a comma, a quote or a line
 * break). A line 1 equal to the header is skipped, with or without a UTF-8 byte order mark.
 * Large uncompressed files are parsed in line ranges in parallel ({@link Read#withRangeBytes}),
 * each line still numbered from the start of its file. Files of a set that {@code infer} wrote
 * are checked against its manifest first ({@link CheckSets}): a stray shard of an earlier run,
 * or a set changed since, fails the read naming the file.
 */
public final class PredictionsCsv {
  private PredictionsCsv() {}

  /** Reads the predictions files matching {@code filepattern}. */
  public static Read read(String filepattern) {
    return new Read(filepattern, 3862, 4L << 20);
  }

  /** The read transform. */
  public static final class Read
      extends PTransform<PBegin, ReadResult<KV<String, RankedPredictions>>> {
    private static final long serialVersionUID = 1L;
    private final String filepattern;
    private final int numClasses;
    private final long rangeBytes;

    private Read(String filepattern, int numClasses, long rangeBytes) {
      this.filepattern = filepattern;
      this.numClasses = numClasses;
      this.rangeBytes = rangeBytes;
    }

    /** Classes must lie in {@code [0, numClasses)} (default 3862). */
    public Read withNumClasses(int numClasses) {
      return new Read(filepattern, numClasses, rangeBytes);
    }

    /**
     * Parses uncompressed files in ranges of about {@code rangeBytes} (default 4 MiB), in
     * parallel: a predictions file is usually one large file.
     */
    public Read withRangeBytes(long rangeBytes) {
      return new Read(filepattern, numClasses, rangeBytes);
    }

    @Override
    public ReadResult<KV<String, RankedPredictions>> expand(PBegin input) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "no file pattern given");
      checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
      checkArgument(rangeBytes > 0, "rangeBytes must be positive, got %s", rangeBytes);
      TupleTag<KV<String, RankedPredictions>> predictionsTag = new TupleTag<>() {};
      TupleTag<DeadLetter> deadLettersTag = new TupleTag<>() {};
      PCollectionTuple outputs = input
          .apply("MatchFiles", FileIO.match().filepattern(filepattern)
              .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
          .apply("CheckSets", CheckSets.create())
          .apply("OpenFiles", FileIO.readMatches().withCompression(Compression.AUTO)
              .withDirectoryTreatment(FileIO.ReadMatches.DirectoryTreatment.PROHIBIT))
          .apply("SplitFiles", ParDo.of(new SplitFileFn(rangeBytes)))
          .setCoder(KvCoder.of(ReadableFileCoder.of(), LineRange.Coder.of()))
          .apply("SpreadRanges", Reshuffle.viaRandomKey())
          .apply("ParseLines", ParDo.of(new ParseRangeFn(numClasses, predictionsTag,
              deadLettersTag)).withOutputTags(predictionsTag, TupleTagList.of(deadLettersTag)));
      return ReadResult.of(input.getPipeline(), predictionsTag, outputs.get(predictionsTag)
              .setCoder(KvCoder.of(StringUtf8Coder.of(), RankedPredictions.Coder.of())),
          deadLettersTag, outputs.get(deadLettersTag).setCoder(DeadLetterCoder.of()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("filePattern", filepattern).withLabel("Predictions files"))
          .add(DisplayData.item("numClasses", numClasses).withLabel("Number of classes"))
          .add(DisplayData.item("rangeBytes", rangeBytes).withLabel("Bytes per parsed range"));
    }
  }

  /** Cuts each file into line ranges to parse in parallel. */
  private static final class SplitFileFn
      extends DoFn<FileIO.ReadableFile, KV<FileIO.ReadableFile, LineRange>> {
    private static final long serialVersionUID = 1L;
    private final long rangeBytes;

    SplitFileFn(long rangeBytes) {
      this.rangeBytes = rangeBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file,
        OutputReceiver<KV<FileIO.ReadableFile, LineRange>> out) throws IOException {
      for (LineRange range : TextLines.split(file, rangeBytes)) {
        out.output(KV.of(file, range));
      }
    }
  }

  private static final class ParseRangeFn
      extends DoFn<KV<FileIO.ReadableFile, LineRange>, KV<String, RankedPredictions>> {
    private static final long serialVersionUID = 1L;
    private final int numClasses;
    private final TupleTag<KV<String, RankedPredictions>> predictionsTag;
    private final TupleTag<DeadLetter> deadLettersTag;
    private final Counter lines = Metrics.counter(PredictionsCsv.class, "prediction_lines");
    private transient PredictionLineParser parser;

    ParseRangeFn(int numClasses, TupleTag<KV<String, RankedPredictions>> predictionsTag,
        TupleTag<DeadLetter> deadLettersTag) {
      this.numClasses = numClasses;
      this.predictionsTag = predictionsTag;
      this.deadLettersTag = deadLettersTag;
    }

    @Setup
    public void setup() {
      parser = new PredictionLineParser(numClasses);
    }

    @ProcessElement
    public void process(@Element KV<FileIO.ReadableFile, LineRange> range,
        MultiOutputReceiver out) throws IOException {
      FileIO.ReadableFile file = range.getKey();
      String name = file.getMetadata().resourceId().toString();
      TextLines.forEach(file, range.getValue(), PredictionLineParser.HEADER, (number, line) -> {
        lines.inc();
        try {
          PredictionLineParser.Parsed parsed = parser.parse(line);
          out.get(predictionsTag).output(KV.of(parsed.id(), new RankedPredictions(name,
              number, parsed.ranked(), parsed.scores())));
        } catch (BadLineException e) {
          Metrics.counter(PredictionsCsv.class, "malformed_" + e.reason()).inc();
          out.get(deadLettersTag).output(new DeadLetter(name, number, "line " + number,
              idOf(line), e.reason(), e.getMessage()));
        }
      });
    }

    /** The video id of a line that did not parse, when it has one. */
    private static @Nullable String idOf(String line) {
      try {
        CsvField.Read field = CsvField.read(line, 0);
        String id = field.quoted() ? field.value() : field.value().trim();
        return field.end() < line.length() && !id.isEmpty() ? id : null;
      } catch (BadLineException e) {
        return null;
      }
    }
  }
}
