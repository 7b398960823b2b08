package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.BadLineException;
import org.yt8m.model.io.SegmentLineParser;
import org.yt8m.model.metrics.AveragePrecision;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.transforms.coders.DeadLetterCoder;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.TextLines;

/**
 * The 2019 segment-level evaluation: scores a {@code Class,Segments} submission against the
 * rated segments of the shards. Per class, the ranked segment ids are cut to the top N, only
 * rated (segment, class) cells count, and recall is over the class's rated positives; mAP is the
 * mean over the submitted classes.
 *
 * <p>The rated cells are few (the 2019 validation set has some 237k rated segments), so they are
 * one table in a side input, and each submission line (up to 100,000 segments) is scored where
 * it is read. Unlike the starter's script, ids are text (it compared Python 3 bytes ids that never
 * matched), the header is skipped (it parsed it as a class), and a class without rated positives
 * scores 0 and is counted (it crashed). Lines whose class cannot be read, and a class given on
 * several lines (all but the last by file and line, as the starter keeps the last), are dead
 * letters; a segment repeated within a line keeps its first rank (counted as
 * {@code duplicate_segments}).
 */
public final class EvaluateSegments
    extends PTransform<PCollection<SegmentRatings>, EvaluateSegments.Result> {
  private static final long serialVersionUID = 1L;

  /** The name under which in-memory submission lines are reported. */
  static final String RANKED_LINES = "ranked segments";

  private final @Nullable String submission;
  private final transient @Nullable PCollection<String> lines;
  private final int numClasses;
  private final int topN;

  private EvaluateSegments(@Nullable String submission, @Nullable PCollection<String> lines,
      int numClasses, int topN) {
    this.submission = submission;
    this.lines = lines;
    this.numClasses = numClasses;
    this.topN = topN;
  }

  /** Scores the submission files matching {@code submission} (3862 classes, top 100,000). */
  public static EvaluateSegments against(String submission) {
    return new EvaluateSegments(submission, null, 3862, 100_000);
  }

  /**
   * Scores a submission's lines (without the header) made in the same pipeline, e.g. by
   * {@code RankSegments}, exactly as a submission file's: a model's segment evaluation.
   */
  public static EvaluateSegments againstLines(PCollection<String> lines) {
    return new EvaluateSegments(null, lines, 3862, 100_000);
  }

  /** Classes must lie in {@code [0, numClasses)}. */
  public EvaluateSegments withNumClasses(int numClasses) {
    return new EvaluateSegments(submission, lines, numClasses, topN);
  }

  /** Segments kept per class, best first (0: all). */
  public EvaluateSegments withTopN(int topN) {
    return new EvaluateSegments(submission, lines, numClasses, topN);
  }

  @Override
  public Result expand(PCollection<SegmentRatings> ratings) {
    checkArgument(lines != null || (submission != null && !submission.isEmpty()),
        "no submission file given");
    checkArgument(numClasses > 0 && topN >= 0, "numClasses %s, topN %s", numClasses, topN);
    PCollectionView<RatingsTable> table = ratings.apply("TabulateRatings",
        Combine.globally(AccumulatorFn.<SegmentRatings, RatingsTable>of(RatingsTable::new,
            RatingsTable.Coder.INSTANCE)).asSingletonView());
    TupleTag<KV<Integer, ScoredLine>> scoredTag = new TupleTag<>() {};
    TupleTag<DeadLetter> deadLettersTag = new TupleTag<>() {};
    PCollection<KV<String, KV<Long, String>>> submitted = lines != null
        ? lines.apply("NumberLines", ParDo.of(new NumberLinesFn()))
        : ratings.getPipeline()
            .apply("MatchSubmission", FileIO.match().filepattern(submission)
                .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply("OpenSubmission", FileIO.readMatches().withCompression(Compression.AUTO)
                .withDirectoryTreatment(FileIO.ReadMatches.DirectoryTreatment.PROHIBIT))
            .apply("ReadLines", ParDo.of(new ReadLinesFn()));
    PCollectionTuple scored = submitted
        .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
            StringUtf8Coder.of())))
        .apply("ScoreClasses", ParDo.of(new ScoreClassesFn(numClasses, topN, scoredTag,
                deadLettersTag)).withSideInput(ScoreClassesFn.TABLE, table)
            .withOutputTags(scoredTag, TupleTagList.of(deadLettersTag)));
    TupleTag<ClassAp> classesTag = new TupleTag<>() {};
    TupleTag<DeadLetter> duplicatesTag = new TupleTag<>() {};
    PCollectionTuple perClass = scored.get(scoredTag)
        .setCoder(KvCoder.of(VarIntCoder.of(), ScoredLine.Coder.INSTANCE))
        .apply("GroupByClass", GroupByKey.create())
        .apply("LastLinePerClass", ParDo.of(new LastLineFn(classesTag, duplicatesTag))
            .withOutputTags(classesTag, TupleTagList.of(duplicatesTag)));
    PCollection<SegmentMetrics> metrics = perClass.get(classesTag)
        .setCoder(ClassApCoder.INSTANCE)
        .apply("CollectClasses", Combine.globally(new CollectFn()))
        .apply("ComputeMap", ParDo.of(new MapFn(topN)).withSideInput(MapFn.TABLE, table))
        .setCoder(SegmentMetricsCoder.INSTANCE);
    PCollection<DeadLetter> deadLetters = PCollectionList
        .of(scored.get(deadLettersTag).setCoder(DeadLetterCoder.of()))
        .and(perClass.get(duplicatesTag).setCoder(DeadLetterCoder.of()))
        .apply("AllDeadLetters", org.apache.beam.sdk.transforms.Flatten.pCollections());
    return new Result(metrics, deadLetters);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("submission", submission != null ? submission : RANKED_LINES)
            .withLabel("Submission files"))
        .add(DisplayData.item("numClasses", numClasses).withLabel("Classes"))
        .add(DisplayData.item("topN", topN).withLabel("Segments kept per class"));
  }

  /** The figures and the submission's dead letters. */
  public record Result(PCollection<SegmentMetrics> metrics, PCollection<DeadLetter> deadLetters)
      implements org.apache.beam.sdk.values.POutput {
    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return metrics.getPipeline();
    }

    private static final TupleTag<SegmentMetrics> METRICS = new TupleTag<>("metrics");
    private static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>("deadLetters");

    @Override
    public Map<TupleTag<?>, org.apache.beam.sdk.values.PValue> expand() {
      return Map.of(METRICS, metrics, DEAD_LETTERS, deadLetters);
    }

    @Override
    public void finishSpecifyingOutput(String transformName,
        org.apache.beam.sdk.values.PInput input, PTransform<?, ?> transform) {}
  }

  /**
   * Every rated (segment, class) cell. A cell rated twice counts once; if its ratings disagree,
   * positive wins (so the table does not depend on the order records arrive in).
   */
  static final class RatingsTable
      implements Accumulator<SegmentRatings, RatingsTable, RatingsTable>, Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, Boolean> cells = new HashMap<>();
    private transient Map<Integer, Long> positives;

    static String cell(String segmentId, int classId) {
      return segmentId + '\t' + classId;
    }

    @Override
    public void addInput(SegmentRatings ratings) {
      for (int i = 0; i < ratings.size(); i++) {
        cells.merge(cell(ratings.segmentId(i), ratings.segmentClass(i)), ratings.score(i) > 0,
            Boolean::logicalOr);
      }
      positives = null;
    }

    @Override
    public void mergeAccumulator(RatingsTable other) {
      other.cells.forEach((cell, positive) -> cells.merge(cell, positive, Boolean::logicalOr));
      positives = null;
    }

    @Override
    public RatingsTable extractOutput() {
      return this;
    }

    /** Rated positives of {@code classId}, counted from the cells. */
    long positives(int classId) {
      if (positives == null) {
        Map<Integer, Long> counted = new HashMap<>();
        cells.forEach((cell, positive) -> {
          if (positive) {
            counted.merge(Integer.parseInt(cell.substring(cell.lastIndexOf('\t') + 1)), 1L,
                Long::sum);
          }
        });
        positives = counted;
      }
      return positives.getOrDefault(classId, 0L);
    }

    /** Encodes the cells. */
    static final class Coder extends AtomicCoder<RatingsTable> {
      static final Coder INSTANCE = new Coder();

      @Override
      public void encode(RatingsTable table, OutputStream out) throws IOException {
        VarInt.encode(table.cells.size(), out);
        for (Map.Entry<String, Boolean> cell : table.cells.entrySet()) {
          StringUtf8Coder.of().encode(cell.getKey(), out);
          out.write(cell.getValue() ? 1 : 0);
        }
      }

      @Override
      public RatingsTable decode(InputStream in) throws IOException {
        RatingsTable table = new RatingsTable();
        int size = VarInt.decodeInt(in);
        for (int i = 0; i < size; i++) {
          String cell = StringUtf8Coder.of().decode(in);
          table.cells.put(cell, in.read() == 1);
        }
        return table;
      }
    }
  }

  /** A scored submission line: where it was, and its class's AP. */
  record ScoredLine(String file, long line, ClassAp classAp) {
    static final class Coder extends AtomicCoder<ScoredLine> {
      static final Coder INSTANCE = new Coder();

      @Override
      public void encode(ScoredLine value, OutputStream out) throws IOException {
        StringUtf8Coder.of().encode(value.file(), out);
        VarLongCoder.of().encode(value.line(), out);
        ClassApCoder.INSTANCE.encode(value.classAp(), out);
      }

      @Override
      public ScoredLine decode(InputStream in) throws IOException {
        return new ScoredLine(StringUtf8Coder.of().decode(in), VarLongCoder.of().decode(in),
            ClassApCoder.INSTANCE.decode(in));
      }
    }
  }

  /** Encodes a {@link ClassAp}. */
  static final class ClassApCoder extends AtomicCoder<ClassAp> {
    static final ClassApCoder INSTANCE = new ClassApCoder();

    @Override
    public void encode(ClassAp value, OutputStream out) throws IOException {
      VarInt.encode(value.classId(), out);
      DoubleCoder.of().encode(value.ap(), out);
      VarInt.encode(value.positives(), out);
      VarInt.encode(value.predictions(), out);
    }

    @Override
    public ClassAp decode(InputStream in) throws IOException {
      return new ClassAp(VarInt.decodeInt(in), DoubleCoder.of().decode(in), VarInt.decodeLong(in),
          VarInt.decodeLong(in));
    }
  }

  /** Encodes {@link SegmentMetrics}. */
  static final class SegmentMetricsCoder extends AtomicCoder<SegmentMetrics> {
    static final SegmentMetricsCoder INSTANCE = new SegmentMetricsCoder();
    private static final ListCoder<ClassAp> CLASSES = ListCoder.of(ClassApCoder.INSTANCE);

    @Override
    public void encode(SegmentMetrics value, OutputStream out) throws IOException {
      VarInt.encode(value.numClasses(), out);
      DoubleCoder.of().encode(value.map(), out);
      VarInt.encode(value.topN(), out);
      VarInt.encode(value.ratedCells(), out);
      VarInt.encode(value.classesWithoutRatedPositives(), out);
      CLASSES.encode(value.perClass(), out);
    }

    @Override
    public SegmentMetrics decode(InputStream in) throws IOException {
      return new SegmentMetrics(VarInt.decodeInt(in), DoubleCoder.of().decode(in),
          VarInt.decodeInt(in), VarInt.decodeLong(in), VarInt.decodeInt(in), CLASSES.decode(in));
    }
  }

  /** Each data line of a submission file, as (file, (line number, line)). */
  private static final class ReadLinesFn
      extends DoFn<FileIO.ReadableFile, KV<String, KV<Long, String>>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file,
        OutputReceiver<KV<String, KV<Long, String>>> out) throws IOException {
      String name = file.getMetadata().resourceId().toString();
      TextLines.forEach(file, SegmentLineParser.HEADER,
          (number, line) -> out.output(KV.of(name, KV.of(number, line))));
    }
  }

  /**
   * In-memory lines under {@link #RANKED_LINES}, numbered by their class (each class has one
   * line) so that a malformed one is reported by a stable position.
   */
  private static final class NumberLinesFn extends DoFn<String, KV<String, KV<Long, String>>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element String line, OutputReceiver<KV<String, KV<Long, String>>> out) {
      int comma = line.indexOf(',');
      long number = 0;
      try {
        number = comma > 0 ? Long.parseLong(line.substring(0, comma)) : 0;
      } catch (NumberFormatException e) {
        // reported by the parser, which reads the class again
      }
      out.output(KV.of(RANKED_LINES, KV.of(number, line)));
    }
  }

  /** Scores each submission line's class ranking against the table. */
  private static final class ScoreClassesFn
      extends DoFn<KV<String, KV<Long, String>>, KV<Integer, ScoredLine>> {
    private static final long serialVersionUID = 1L;
    static final String TABLE = "ratings";
    private final int numClasses;
    private final int topN;
    private final TupleTag<KV<Integer, ScoredLine>> scoredTag;
    private final TupleTag<DeadLetter> deadLettersTag;

    ScoreClassesFn(int numClasses, int topN, TupleTag<KV<Integer, ScoredLine>> scoredTag,
        TupleTag<DeadLetter> deadLettersTag) {
      this.numClasses = numClasses;
      this.topN = topN;
      this.scoredTag = scoredTag;
      this.deadLettersTag = deadLettersTag;
    }

    private transient SegmentLineParser parser;

    @Setup
    public void setup() {
      parser = new SegmentLineParser(numClasses, topN);
    }

    @ProcessElement
    public void process(@Element KV<String, KV<Long, String>> numbered,
        @SideInput(TABLE) RatingsTable table, MultiOutputReceiver out) {
      String name = numbered.getKey();
      long number = numbered.getValue().getKey();
      try {
        SegmentLineParser.Parsed parsed = parser.parse(numbered.getValue().getValue());
        Metrics.counter(EvaluateSegments.class, "duplicate_segments").inc(parsed.duplicates());
        out.get(scoredTag).output(KV.of(parsed.classId(),
            new ScoredLine(name, number, score(parsed, table))));
      } catch (BadLineException e) {
        Metrics.counter(EvaluateSegments.class, "malformed_" + e.reason()).inc();
        out.get(deadLettersTag).output(new DeadLetter(name, number, "line " + number, null,
            e.reason(), e.getMessage()));
      }
    }

    private static ClassAp score(SegmentLineParser.Parsed parsed, RatingsTable table) {
      List<Boolean> rated = new ArrayList<>();
      for (String segment : parsed.segments()) {
        Boolean positive = table.cells.get(RatingsTable.cell(segment, parsed.classId()));
        if (positive != null) {
          rated.add(positive);
        }
      }
      boolean[] relevant = new boolean[rated.size()];
      for (int i = 0; i < relevant.length; i++) {
        relevant[i] = rated.get(i);
      }
      long positives = table.positives(parsed.classId());
      return new ClassAp(parsed.classId(), AveragePrecision.ofRanking(relevant, positives),
          positives, relevant.length);
    }
  }

  /**
   * Keeps each class's last line (by file and line), as the starter's script does (a later line
   * overwrites an earlier one); the others are dead letters.
   */
  private static final class LastLineFn
      extends DoFn<KV<Integer, Iterable<ScoredLine>>, ClassAp> {
    private static final long serialVersionUID = 1L;
    private final TupleTag<ClassAp> classesTag;
    private final TupleTag<DeadLetter> duplicatesTag;

    LastLineFn(TupleTag<ClassAp> classesTag, TupleTag<DeadLetter> duplicatesTag) {
      this.classesTag = classesTag;
      this.duplicatesTag = duplicatesTag;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<ScoredLine>> lines,
        MultiOutputReceiver out) {
      List<ScoredLine> sorted = new ArrayList<>();
      lines.getValue().forEach(sorted::add);
      sorted.sort(Comparator.comparing(ScoredLine::file).thenComparingLong(ScoredLine::line));
      ScoredLine last = sorted.get(sorted.size() - 1);
      out.get(classesTag).output(last.classAp());
      for (ScoredLine duplicate : sorted.subList(0, sorted.size() - 1)) {
        Metrics.counter(EvaluateSegments.class, "malformed_duplicate_class").inc();
        out.get(duplicatesTag).output(new DeadLetter(duplicate.file(), duplicate.line(),
            "line " + duplicate.line(), null, "duplicate_class", "class " + lines.getKey()
                + " is ranked again on " + last.file() + " line " + last.line()
                + ", which counts"));
      }
    }
  }

  private static final class CollectFn
      extends Combine.CombineFn<ClassAp, List<ClassAp>, List<ClassAp>> {
    private static final long serialVersionUID = 1L;

    @Override
    public List<ClassAp> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<ClassAp> addInput(List<ClassAp> list, ClassAp classAp) {
      list.add(classAp);
      return list;
    }

    @Override
    public List<ClassAp> mergeAccumulators(Iterable<List<ClassAp>> lists) {
      List<ClassAp> merged = new ArrayList<>();
      lists.forEach(merged::addAll);
      return merged;
    }

    @Override
    public List<ClassAp> extractOutput(List<ClassAp> list) {
      return list;
    }

    @Override
    public Coder<List<ClassAp>> getAccumulatorCoder(CoderRegistry registry,
        Coder<ClassAp> input) {
      return ListCoder.of(ClassApCoder.INSTANCE);
    }

    @Override
    public Coder<List<ClassAp>> getDefaultOutputCoder(CoderRegistry registry,
        Coder<ClassAp> input) {
      return ListCoder.of(ClassApCoder.INSTANCE);
    }
  }

  /** mAP over the submitted classes, by class order (so the sum is the same every run). */
  private static final class MapFn extends DoFn<List<ClassAp>, SegmentMetrics> {
    private static final long serialVersionUID = 1L;
    static final String TABLE = "ratings";
    private final int topN;

    MapFn(int topN) {
      this.topN = topN;
    }

    @ProcessElement
    public void process(@Element List<ClassAp> classes, @SideInput(TABLE) RatingsTable table,
        OutputReceiver<SegmentMetrics> out) {
      List<ClassAp> sorted = new ArrayList<>(classes);
      sorted.sort(Comparator.comparingInt(ClassAp::classId));
      double sum = 0;
      int withoutPositives = 0;
      for (ClassAp classAp : sorted) {
        sum += classAp.ap();
        withoutPositives += classAp.positives() == 0 ? 1 : 0;
      }
      out.output(new SegmentMetrics(sorted.size(), sorted.isEmpty() ? 0 : sum / sorted.size(),
          topN, table.cells.size(), withoutPositives, sorted));
    }
  }
}
