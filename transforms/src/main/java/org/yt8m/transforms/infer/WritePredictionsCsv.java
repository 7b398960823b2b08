package org.yt8m.transforms.infer;

import java.util.StringJoiner;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.transforms.eval.VideoPredictions;
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
 */
public final class WritePredictionsCsv
    extends PTransform<PCollection<VideoPredictions>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** The header of the human-readable CSV. */
  public static final String NAMED_HEADER = PredictionLineParser.HEADER + ",ClassNames";

  private final String path;
  private final int numShards;
  private final @Nullable Vocabulary vocabulary;

  private WritePredictionsCsv(String path, int numShards, @Nullable Vocabulary vocabulary) {
    this.path = path;
    this.numShards = numShards;
    this.vocabulary = vocabulary;
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
            .via(p -> ScoreFormat.predictionLine(p.id(), p.ranked(), p.scores())))
        .apply("WriteLines", WriteSortedLines.to(path).withHeader(PredictionLineParser.HEADER)
            .withNumShards(numShards));
    if (vocabulary == null) {
      return written;
    }
    Vocabulary names = vocabulary;
    PCollection<String> named = predictions
        .apply("FormatNamedLines", MapElements.into(TypeDescriptors.strings())
            .via(p -> ScoreFormat.predictionLine(p.id(), p.ranked(), p.scores()) + ","
                + CsvField.escape(classNames(p.ranked(), names))))
        .apply("WriteNamedLines", WriteSortedLines.to(namedPath(path))
            .withHeader(NAMED_HEADER).withNumShards(numShards));
    return PCollectionList.of(written).and(named).apply("AllWritten", Flatten.pCollections());
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
