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
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.io.CsvField;
import org.yt8m.transforms.eval.VideoPredictions;

/**
 * Ranks scored segments per class into the lines of a 2019 {@code Class,Segments} submission
 * (without the header): {@code <class>,<id>:<start> <id>:<start> ...}, best first, at most
 * {@code maxPerClass} segments a class. Each segment offers the classes of its top-k, as in the
 * starter's inference.py; equal scores rank by segment id. What {@link WriteSegmentsCsv} writes
 * and what model-mode segment evaluation scores, so that both rank alike.
 */
public final class RankSegments
    extends PTransform<PCollection<VideoPredictions>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final int maxPerClass;

  private RankSegments(int maxPerClass) {
    this.maxPerClass = maxPerClass;
  }

  /** Lines of at most {@code maxPerClass} segments. */
  public static RankSegments keeping(int maxPerClass) {
    return new RankSegments(maxPerClass);
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
            .via(RankSegments::line));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("maxPerClass", maxPerClass).withLabel("Segments per class"));
  }

  /** {@code class,id:start id:start ...}, quoted as RFC 4180 says when an id needs it. */
  private static String line(KV<Integer, List<KV<String, Float>>> ranked) {
    return ranked.getKey() + "," + CsvField.escape(ranked.getValue().stream().map(KV::getKey)
        .collect(Collectors.joining(" ")));
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
