package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkState;

import java.util.StringJoiner;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * Writes predictions as the starter's inference CSV (reference §5): the header
 * {@code VideoId,LabelConfidencePairs}, then one line per video, {@code id,class score ...} in
 * the predictions' order (best first), scores in {@code %g} form. Lines are sorted by video id
 * (text order of the lines is id order: ids hold no character that sorts before the comma), so
 * a rerun writes the same bytes. One file by default, or {@code numShards} files each with the
 * header. With a vocabulary, also a second, human-readable CSV beside it ({@link #namedPath}):
 * the same lines with a third column, {@value #NAMED_HEADER}'s {@code ClassNames}, the classes'
 * names in the same order separated by {@code "; "}. Outputs the paths written.
 *
 * <p>Where the predictions are made inside a read ({@link ScoreVideos#inRead}), the lines can be
 * formatted and sorted into runs there too ({@link #runsInRead}, then {@link #fromRuns} of the
 * same transform), so that no prediction or line becomes an element (without class names):
 *
 * <pre>{@code
 * WritePredictionsCsv write = WritePredictionsCsv.to("out.csv");
 * pipeline.apply(Yt8mIO.readVideos(pattern).through(score.inRead().then(write.runsInRead())))
 *     .records().apply(write.fromRuns());
 * }</pre>
 */
public final class WritePredictionsCsv
    extends PTransform<PCollection<VideoPredictions>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** The header of the human-readable CSV. */
  public static final String NAMED_HEADER = PredictionLineParser.HEADER + ",ClassNames";

  private final String path;
  private final int numShards;
  private final @Nullable Vocabulary vocabulary;
  private final WriteSortedLines lines;

  private WritePredictionsCsv(String path, int numShards, @Nullable Vocabulary vocabulary) {
    this.path = path;
    this.numShards = numShards;
    this.vocabulary = vocabulary;
    this.lines = WriteSortedLines.to(path).withHeader(PredictionLineParser.HEADER)
        .withNumShards(numShards);
  }

  /** Writes the CSV {@code path}, local or any Beam file system's. */
  public static WritePredictionsCsv to(String path) {
    return new WritePredictionsCsv(path, 0, null);
  }

  /** 0 (the default) writes the one file; N > 0 writes N files named after it. */
  public WritePredictionsCsv withNumShards(int numShards) {
    return new WritePredictionsCsv(path, numShards, vocabulary);
  }

  /**
   * Also writes the human-readable CSV at {@link #namedPath}, naming the classes by
   * {@code vocabulary} (null, the default: not written).
   */
  public WritePredictionsCsv withClassNames(@Nullable Vocabulary vocabulary) {
    return new WritePredictionsCsv(path, numShards, vocabulary);
  }

  /**
   * Where the human-readable CSV of {@code path} goes: {@code predictions.csv} gives
   * {@code predictions.named.csv}, a name without {@code .csv} gets {@code .named.csv}.
   */
  public static String namedPath(String path) {
    return (path.endsWith(".csv") ? path.substring(0, path.length() - 4) : path) + ".named.csv";
  }

  @Override
  public PCollection<String> expand(PCollection<VideoPredictions> predictions) {
    PCollection<String> written = predictions
        .apply("FormatLines", MapElements.into(TypeDescriptors.strings())
            .via(WritePredictionsCsv::line))
        .apply("WriteLines", lines);
    if (vocabulary == null) {
      return written;
    }
    Vocabulary names = vocabulary;
    PCollection<String> named = predictions
        .apply("FormatNamedLines", MapElements.into(TypeDescriptors.strings())
            .via(p -> line(p) + "," + CsvField.escape(classNames(p.ranked(), names))))
        .apply("WriteNamedLines", WriteSortedLines.to(namedPath(path))
            .withHeader(NAMED_HEADER).withNumShards(numShards));
    return PCollectionList.of(written).and(named).apply("AllWritten", Flatten.pCollections());
  }

  /**
   * The first half of this write inside a read, after a stage that makes predictions: each
   * shard's lines sorted into runs of the files, for {@link #fromRuns}. Without class names:
   * the human-readable CSV is written from predictions ({@link #expand}).
   */
  public ShardOutput<VideoPredictions, KV<Integer, @Nullable String>> runsInRead() {
    checkState(vocabulary == null, "class names are written from predictions, not in a read");
    return ShardOutput.<VideoPredictions, String>mapped(WritePredictionsCsv::line,
        StringUtf8Coder.of()).then(lines.runsInRead());
  }

  /** The second half: the runs of {@link #runsInRead} merged into the files, committed. */
  public PTransform<PCollection<KV<Integer, @Nullable String>>, PCollection<String>> fromRuns() {
    return lines.fromRuns();
  }

  private static String line(VideoPredictions predictions) {
    return ScoreFormat.predictionLine(predictions.id(), predictions.ranked(),
        predictions.scores());
  }

  private static String classNames(int[] classes, Vocabulary vocabulary) {
    StringJoiner names = new StringJoiner("; ");
    for (int c : classes) {
      names.add(vocabulary.name(c));
    }
    return names.toString();
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Predictions CSV"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards (0: one file)"))
        .addIfNotNull(DisplayData.item("vocabulary", vocabulary == null ? null
            : vocabulary.source()).withLabel("Class names from"));
  }
}
