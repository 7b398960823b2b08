package org.yt8m.transforms.infer;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableComparator;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.SegmentLineParser;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.io.WriteSortedLines;

/**
 * Writes segment predictions (from {@link SplitSegments} then {@link ScoreVideos}) as the 2019
 * challenge's submission: the header {@code Class,Segments}, then per class its segments
 * {@code <class>,<id>:<start> <id>:<start> ...} ranked by score, at most {@code maxPerClass}
 * (100,000). Each segment offers the classes of its top-k, as in the starter's inference.py.
 * Ours: equal scores ranked by segment id, lines in class order. Outputs the paths written.
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
        .apply("PairsByClass", ParDo.of(new PairsByClassFn()))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(),
            FloatCoder.of())))
        .apply("BestPerClass", Top.perKey(maxPerClass, new ByScore()))
        .apply("FormatLines", MapElements.into(TypeDescriptors.strings())
            .via(WriteSegmentsCsv::line))
        .apply("WriteLines", WriteSortedLines.to(path).withHeader(SegmentLineParser.HEADER)
            .orderedBy(BY_CLASS).withNumShards(numShards));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Segment submission"))
        .add(DisplayData.item("maxPerClass", maxPerClass).withLabel("Segments per class"));
  }

  /** {@code class,id:start id:start ...}, quoted as RFC 4180 says when an id needs it. */
  private static String line(KV<Integer, List<KV<String, Float>>> ranked) {
    return ranked.getKey() + "," + CsvField.escape(ranked.getValue().stream().map(KV::getKey)
        .collect(Collectors.joining(" ")));
  }

  private static int classOf(String line) {
    return Integer.parseInt(line.substring(0, line.indexOf(',')));
  }

  /** One (class, (segment, score)) per class in a segment's top-k. */
  private static final class PairsByClassFn
      extends DoFn<VideoPredictions, KV<Integer, KV<String, Float>>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element VideoPredictions segment,
        OutputReceiver<KV<Integer, KV<String, Float>>> out) {
      for (int i = 0; i < segment.ranked().length; i++) {
        out.output(KV.of(segment.ranked()[i], KV.of(segment.id(), segment.scores()[i])));
      }
    }
  }

  /** Higher score first; equal scores: the lower segment id first. */
  private static final class ByScore implements Comparator<KV<String, Float>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<String, Float> a, KV<String, Float> b) {
      int byScore = Float.compare(a.getValue(), b.getValue());
      return byScore != 0 ? byScore : b.getKey().compareTo(a.getKey());
    }
  }
}
