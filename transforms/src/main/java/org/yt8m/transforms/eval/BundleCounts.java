package org.yt8m.transforms.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.yt8m.model.metrics.ScoreCounts;

/**
 * What one bundle's videos add to the evaluation: their {@link VideoTotals}, and their top-k
 * (score, label) counts per target (each class, and GAP), which {@link #output} splits into
 * (target, score bucket) keys spread over the combine groups. A DoFn that evaluates videos keeps
 * one per bundle and outputs it at {@code @FinishBundle}: a few elements per bundle, however many
 * videos. Counting per target in an array (and bucketing once, when the counts are sorted) keeps
 * the per-prediction cost at an array append.
 */
final class BundleCounts {
  /** Where {@link #output} puts the counts. */
  static final TupleTag<KV<Integer, KeyedCounts>> COUNTS = new TupleTag<>() {};
  /** Where {@link #output} puts the totals. */
  static final TupleTag<VideoTotals> TOTALS = new TupleTag<>() {};

  private final EvaluateVideos spec;
  /** Index 0: GAP; index c + 1: class c. Null until the target has a prediction. */
  private final ScoreCounts[] byTarget;
  private final VideoTotals totals;

  BundleCounts(EvaluateVideos spec) {
    this.spec = spec;
    this.byTarget = new ScoreCounts[spec.numClasses() + 1];
    this.totals = new VideoTotals(spec.numClasses());
  }

  /**
   * Counts one labelled video.
   *
   * @throws IllegalArgumentException naming the video for a label or class out of range
   */
  void add(VideoPredictions video) {
    int numClasses = spec.numClasses();
    for (int label : video.labels()) {
      checkClass(video, "label", label, numClasses);
    }
    totals.add(video);
    int k = Math.min(spec.topK(), video.ranked().length);
    for (int i = 0; i < k; i++) {
      int c = video.ranked()[i];
      checkClass(video, "class", c, numClasses);
      float score = video.scores()[i];
      boolean positive = Arrays.binarySearch(video.labels(), c) >= 0;
      target(c + 1).add(score, positive);
      target(0).add(score, positive);
    }
  }

  /** Not checkArgument: its three arguments would be boxed for every prediction. */
  private static void checkClass(VideoPredictions video, String what, int c, int numClasses) {
    if (c < 0 || c >= numClasses) {
      throw new IllegalArgumentException(String.format("video %s: %s %s out of range [0, %s)",
          video.id(), what, c, numClasses));
    }
  }

  private ScoreCounts target(int index) {
    ScoreCounts counts = byTarget[index];
    if (counts == null) {
      counts = new ScoreCounts();
      byTarget[index] = counts;
    }
    return counts;
  }

  /**
   * The {@link #COUNTS} and {@link #TOTALS} outputs of a DoFn that uses {@code BundleCounts},
   * with their coders: what {@link EvaluateVideos#combinePartials} takes.
   */
  static PCollectionTuple partialsOf(PCollectionTuple outputs) {
    return PCollectionTuple
        .of(COUNTS, outputs.get(COUNTS)
            .setCoder(KvCoder.of(VarIntCoder.of(), KeyedCounts.Coder.of())))
        .and(TOTALS, outputs.get(TOTALS).setCoder(VideoTotals.Coder.of()));
  }

  /**
   * Outputs the counts, one {@link KeyedCounts} per combine group touched, to {@link #COUNTS}
   * and the totals to {@link #TOTALS}, in the global window. Not to be used afterwards.
   */
  void output(DoFn<?, ?>.FinishBundleContext context) {
    Map<Integer, KeyedCounts> groups = new HashMap<>();
    for (int index = 0; index < byTarget.length; index++) {
      if (byTarget[index] != null) {
        int target = index == 0 ? ApKeys.GAP : index - 1;
        int bits = index == 0 ? spec.gapBucketBits() : spec.classBucketBits();
        splitIntoBuckets(target, bits, byTarget[index].compact(), groups);
      }
    }
    groups.forEach((group, counts) -> context.output(COUNTS, KV.of(group, counts),
        GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE));
    context.output(TOTALS, totals, GlobalWindow.INSTANCE.maxTimestamp(),
        GlobalWindow.INSTANCE);
  }

  /** Sorted counts hold each bucket's scores in one run: one new {@link ScoreCounts} per run. */
  private void splitIntoBuckets(int target, int bits, ScoreCounts sorted,
      Map<Integer, KeyedCounts> groups) {
    ScoreCounts bucket = null;
    long key = 0;
    for (int i = 0; i < sorted.size(); i++) {
      long entryKey = ApKeys.key(target, ApKeys.bucket(sorted.score(i), bits));
      if (bucket == null || entryKey != key) {
        if (bucket != null) {
          bucket.compact(); // already sorted: marks it so, for linear merges
        }
        key = entryKey;
        bucket = new ScoreCounts();
        groups.computeIfAbsent(KeyedCounts.group(key, spec.groups()), g -> new KeyedCounts())
            .put(key, bucket);
      }
      bucket.add(sorted.score(i), sorted.positives(i), sorted.count(i));
    }
    if (bucket != null) {
      bucket.compact();
    }
  }
}
