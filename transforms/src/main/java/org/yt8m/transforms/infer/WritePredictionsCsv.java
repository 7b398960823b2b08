package org.yt8m.transforms.infer;

import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.io.PredictionLineParser;
import org.yt8m.model.io.ScoreFormat;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * Writes predictions as the starter's inference CSV (reference §5): the header
 * {@code VideoId,LabelConfidencePairs}, then one line per video, {@code id,class score ...} in
 * the predictions' order (best first), scores in {@code %g} form. Lines are sorted by video id
 * (text order of the lines is id order: ids hold no character that sorts before the comma), so
 * a rerun writes the same bytes. One file by default, or {@code numShards} files each with the
 * header. Outputs the paths written.
 */
public final class WritePredictionsCsv
    extends PTransform<PCollection<VideoPredictions>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final int numShards;

  private WritePredictionsCsv(String path, int numShards) {
    this.path = path;
    this.numShards = numShards;
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
            .via(p -> ScoreFormat.predictionLine(p.id(), p.ranked(), p.scores())))
        .apply("WriteLines", WriteSortedLines.to(path).withHeader(PredictionLineParser.HEADER)
            .withNumShards(numShards));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Predictions CSV"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards (0: one file)"));
  }
}
