package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Batches elements keyed by video id into lists keyed by their group (a hash of the id among
 * {@code groups}), at most {@code batchSize} per list, within each bundle: so a join by id moves
 * a few lists per bundle and group through its grouping, not an element per video. Input must be
 * in the global window (the last lists are output when the bundle finishes).
 */
final class BatchByIdHash<V>
    extends PTransform<PCollection<KV<String, V>>, PCollection<KV<Integer, List<KV<String, V>>>>> {
  private static final long serialVersionUID = 1L;
  private final int groups;
  private final int batchSize;

  private BatchByIdHash(int groups, int batchSize) {
    this.groups = groups;
    this.batchSize = batchSize;
  }

  static <V> BatchByIdHash<V> of(int groups, int batchSize) {
    return new BatchByIdHash<>(groups, batchSize);
  }

  /** The group of video {@code id} among {@code groups}. */
  static int group(String id, int groups) {
    return Math.floorMod(id.hashCode(), groups);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("groups", groups).withLabel("Id-hash groups"))
        .add(DisplayData.item("batchSize", batchSize).withLabel("Elements per batch"));
  }

  @Override
  public PCollection<KV<Integer, List<KV<String, V>>>> expand(PCollection<KV<String, V>> input) {
    checkArgument(groups > 0 && batchSize > 0, "groups and batchSize must be positive: %s, %s",
        groups, batchSize);
    checkArgument(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "BatchByIdHash needs its input in the global window");
    return input.apply("Batch", ParDo.of(new BatchFn<V>(groups, batchSize)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(input.getCoder())));
  }

  private static final class BatchFn<V> extends DoFn<KV<String, V>, KV<Integer, List<KV<String, V>>>> {
    private static final long serialVersionUID = 1L;
    private final int groups;
    private final int batchSize;
    private transient Map<Integer, List<KV<String, V>>> batches;

    BatchFn(int groups, int batchSize) {
      this.groups = groups;
      this.batchSize = batchSize;
    }

    @StartBundle
    public void startBundle() {
      batches = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, V> element,
        OutputReceiver<KV<Integer, List<KV<String, V>>>> out) {
      int group = group(element.getKey(), groups);
      List<KV<String, V>> batch = batches.computeIfAbsent(group, g -> new ArrayList<>());
      batch.add(element);
      if (batch.size() == batchSize) {
        out.output(KV.of(group, batch));
        batches.remove(group);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      batches.forEach((group, batch) -> context.output(KV.of(group, batch),
          GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
      batches = null;
    }
  }
}
