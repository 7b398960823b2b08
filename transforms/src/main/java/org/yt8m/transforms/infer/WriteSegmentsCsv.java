package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableComparator;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.yt8m.model.io.SegmentLineParser;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * Writes segment predictions (from {@link SplitSegments} then {@link ScoreVideos}) as the 2019
 * challenge's submission: the header {@code Class,Segments}, then per class its segments
 * {@code <class>,<id>:<start> <id>:<start> ...} ranked by score, at most {@code maxPerClass}
 * (100,000), ranked by {@link RankSegments}. Lines in class order. Outputs the paths written.
 */
public final class WriteSegmentsCsv
    extends PTransform<PCollection<VideoPredictions>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** The challenge's limit of segments per class. */
  public static final int MAX_PER_CLASS = 100_000;

  private static final SerializableComparator<String> BY_CLASS =
      (a, b) -> Integer.compare(classOf(a), classOf(b));

  private final String path;
  private final int maxPerClass;
  private final int numShards;

  private WriteSegmentsCsv(String path, int maxPerClass, int numShards) {
    this.path = path;
    this.maxPerClass = maxPerClass;
    this.numShards = numShards;
  }

  /** Writes the submission {@code path}, local or any Beam file system's. */
  public static WriteSegmentsCsv to(String path) {
    return new WriteSegmentsCsv(path, MAX_PER_CLASS, 0);
  }

  /** Segments kept per class, best first (default {@value #MAX_PER_CLASS}). */
  public WriteSegmentsCsv withMaxPerClass(int maxPerClass) {
    return new WriteSegmentsCsv(path, maxPerClass, numShards);
  }

  /** 0 (the default) writes the one file; N > 0 writes N files named after it. */
  public WriteSegmentsCsv withNumShards(int numShards) {
    return new WriteSegmentsCsv(path, maxPerClass, numShards);
  }

  @Override
  public PCollection<String> expand(PCollection<VideoPredictions> segments) {
    checkArgument(maxPerClass > 0, "maxPerClass must be positive, got %s", maxPerClass);
    return segments
        .apply("RankSegments", RankSegments.keeping(maxPerClass))
        .apply("WriteLines", WriteSortedLines.to(path).withHeader(SegmentLineParser.HEADER)
            .orderedBy(BY_CLASS).withNumShards(numShards));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Segment submission"))
        .add(DisplayData.item("maxPerClass", maxPerClass).withLabel("Segments per class"));
  }

  private static int classOf(String line) {
    return Integer.parseInt(line.substring(0, line.indexOf(',')));
  }
}
