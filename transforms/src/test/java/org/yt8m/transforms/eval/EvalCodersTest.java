package org.yt8m.transforms.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.PrecisionRecallPoint;
import org.yt8m.model.metrics.ScoreCounts;

class EvalCodersTest {
  @Test
  void scoreCountsRoundTripWithExtremeValues() throws Exception {
    ScoreCounts counts = new ScoreCounts().add(-0f, true).add(Float.MAX_VALUE, false)
        .add(-Float.MIN_VALUE, true).add(0.5f, 3, 1L << 53);
    assertEquals(counts, roundTrip(ScoreCountsCoder.of(), counts));
  }

  @Test
  void keyedCountsRoundTrip() throws Exception {
    KeyedCounts counts = new KeyedCounts();
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 500; i++) {
      int target = random.nextInt(5) - 1;
      float score = (float) random.nextDouble(-1, 1);
      long key = ApKeys.key(target, ApKeys.bucket(score, 12));
      if (!counts.counts().containsKey(key)) {
        counts.put(key, new ScoreCounts());
      }
      counts.counts().get(key).add(score, random.nextBoolean());
    }
    KeyedCounts decoded = roundTrip(KeyedCounts.Coder.of(), counts);
    assertEquals(counts.counts(), decoded.counts());
  }

  @Test
  void videoTotalsRoundTripSparsely() throws Exception {
    VideoTotals totals = new VideoTotals(3862);
    totals.add(new VideoPredictions("a", new int[] {3, 3861}, new int[] {3, 7},
        new float[] {0.9f, 0.1f}));
    totals.add(new VideoPredictions("b", new int[0], new int[0], new float[0]));
    VideoTotals decoded = roundTrip(VideoTotals.Coder.of(), totals);
    assertEquals(totals.examples, decoded.examples);
    assertEquals(totals.hits, decoded.hits);
    assertArrayEquals(totals.perrHitsByLabelCount, decoded.perrHitsByLabelCount);
    assertArrayEquals(totals.classPositives, decoded.classPositives);
    assertEquals(totals.allPositives, decoded.allPositives);
    byte[] bytes = CoderUtils.encodeToByteArray(VideoTotals.Coder.of(), totals);
    assertEquals(true, bytes.length < 40, "sparse: " + bytes.length + " bytes");
  }

  @Test
  void evaluationMetricsRoundTrip() throws Exception {
    EvaluationMetrics metrics = new EvaluationMetrics(10, 0.5, 0.25, 0.125, 0.0625, 2,
        List.of(new ClassAp(1, 0.5, 3, 4), new ClassAp(7, 1, 1, 1)),
        List.of(new PrecisionRecallPoint(0.75f, 0.5, 1), new PrecisionRecallPoint(-1f, 1, 0.2)));
    assertEquals(metrics, roundTrip(EvaluationMetricsCoder.of(), metrics));
  }

  @Test
  void bucketTableGivesTheCountsAboveEachBucket() throws Exception {
    long high = ApKeys.key(ApKeys.GAP, ApKeys.bucket(0.5f, 12));
    long low = ApKeys.key(ApKeys.GAP, ApKeys.bucket(-0.5f, 12));
    long other = ApKeys.key(3, 0);
    EvaluateVideos.BucketTable table = roundTrip(new EvaluateVideos.BucketTable.Coder(),
        EvaluateVideos.BucketTable.of(List.of(new BucketSummary(low, 1, 4, 0),
            new BucketSummary(high, 2, 3, 0), new BucketSummary(other, 5, 6, 0))));
    assertArrayEquals(new long[] {0, 0}, table.above(high));
    assertArrayEquals(new long[] {2, 3}, table.above(low));
    assertArrayEquals(new long[] {0, 0}, table.above(other));
  }

  private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value));
  }
}
