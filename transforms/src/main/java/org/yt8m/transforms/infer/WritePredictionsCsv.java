package org.yt8m.transforms.infer;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * Writes predictions as the starter's inference CSV (reference §5): the header
 * {@code VideoId,LabelConfidencePairs}, then one line per video, {@code id,class score ...} in
 * the predictions' order (best first), scores in {@code %g} form. Lines are sorted by video id
 * (text order of the lines is id order: ids hold no character that sorts before the comma), so
 * a rerun writes the same bytes. One file by default, or {@code numShards} files each with the
 * header. Outputs the paths written.
 *
 * <p>Where the predictions are made inside a read ({@link ScoreVideos#inRead}), the lines can be
 * formatted and sorted into runs there too ({@link #runsInRead}, then {@link #fromRuns} of the
 * same transform), so that no prediction or line becomes an element:
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

  private final String path;
  private final int numShards;
  private final WriteSortedLines lines;

  private WritePredictionsCsv(String path, int numShards) {
    this.path = path;
    this.numShards = numShards;
    this.lines = WriteSortedLines.to(path).withHeader(PredictionLineParser.HEADER)
        .withNumShards(numShards);
  }

  /** Writes the CSV {@code path}, local or any Beam file system's. */
  public static WritePredictionsCsv to(String path) {
    return new WritePredictionsCsv(path, 0);
  }

  /** 0 (the default) writes the one file; N > 0 writes N files named after it. */
  public WritePredictionsCsv withNumShards(int numShards) {
    return new WritePredictionsCsv(path, numShards);
  }

  @Override
  public PCollection<String> expand(PCollection<VideoPredictions> predictions) {
    return predictions
        .apply("FormatLines", MapElements.into(TypeDescriptors.strings())
            .via(WritePredictionsCsv::line))
        .apply("WriteLines", lines);
  }

  /**
   * The first half of this write inside a read, after a stage that makes predictions: each
   * shard's lines sorted into runs of the files, for {@link #fromRuns}.
   */
  public ShardOutput<VideoPredictions, KV<Integer, @Nullable String>> runsInRead() {
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

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Predictions CSV"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards (0: one file)"));
  }
}
