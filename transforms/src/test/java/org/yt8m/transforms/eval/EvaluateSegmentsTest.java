package org.yt8m.transforms.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.transforms.coders.SegmentRatingsCoder;
import org.yt8m.transforms.testing.TestPipelines;

class EvaluateSegmentsTest {
  @TempDir
  Path dir;

  /**
   * Class 3: rated cells a:0 (positive), a:5 (negative), b:10 (positive), c:0 (positive; never
   * ranked). The submission ranks b:10, x:0 (unrated: skipped), a:5, a:0: rated ranking
   * [+, -, +], so AP = (1/1 + 2/3) / 3 positives. Class 7 has one rated negative and no
   * positive: AP 0, counted. The header is skipped; an earlier line for class 3 (the last one
   * counts, as in the starter's script) and a line without a class are dead letters; a repeated
   * segment keeps its first rank.
   */
  @Test
  void scoresRatedCellsOnlyWithRecallOverRatedPositives() throws Exception {
    List<SegmentRatings> ratings = List.of(
        SegmentRatings.of("a", new int[] {3}, new int[] {3, 3}, new long[] {0, 5},
            new float[] {1f, 0f}),
        SegmentRatings.of("b", new int[0], new int[] {3, 7}, new long[] {10, 10},
            new float[] {1f, 0f}),
        SegmentRatings.of("c", new int[0], new int[] {3}, new long[] {0}, new float[] {1f}));
    Path submission = Files.write(dir.resolve("segments.csv"), List.of(
        "Class,Segments",
        "3,a:0",
        "3,b:10 x:0 a:5 a:0 b:10",
        "7,b:10 a:0",
        "oops,a:0"), UTF_8);

    Pipeline pipeline = TestPipelines.create();
    EvaluateSegments.Result result = pipeline
        .apply(Create.of(ratings).withCoder(SegmentRatingsCoder.of()))
        .apply(EvaluateSegments.against(submission.toString()).withNumClasses(10));
    double ap3 = (1.0 + 2.0 / 3) / 3;
    PAssert.thatSingleton(result.metrics()).isEqualTo(new SegmentMetrics(2, (ap3 + 0) / 2,
        100_000, 5, 1, List.of(new ClassAp(3, ap3, 3, 3), new ClassAp(7, 0, 0, 1))));
    PAssert.that(result.deadLetters().apply(MapElements.into(TypeDescriptors.strings())
        .via(letter -> letter.reason() + " " + letter.location())))
        .containsInAnyOrder("duplicate_class line 2", "bad_class line 5");
    pipeline.run();
  }

  @Test
  void aCellRatedTwiceCountsOncePositiveWinning() throws Exception {
    List<SegmentRatings> ratings = List.of(
        SegmentRatings.of("a", new int[0], new int[] {2}, new long[] {0}, new float[] {0f}),
        SegmentRatings.of("a", new int[0], new int[] {2}, new long[] {0}, new float[] {1f}),
        SegmentRatings.of("a", new int[0], new int[] {2}, new long[] {0}, new float[] {1f}));
    Path submission = Files.write(dir.resolve("segments.csv"), List.of("2,a:0"), UTF_8);
    Pipeline pipeline = TestPipelines.create();
    EvaluateSegments.Result result = pipeline
        .apply(Create.of(ratings).withCoder(SegmentRatingsCoder.of()))
        .apply(EvaluateSegments.against(submission.toString()).withNumClasses(10));
    PAssert.thatSingleton(result.metrics()).isEqualTo(new SegmentMetrics(1, 1.0, 100_000, 1, 0,
        List.of(new ClassAp(2, 1.0, 1, 1))));
    pipeline.run();
  }

  @Test
  void topNCutsEachRankingBeforeUnratedCellsAreSkipped() throws Exception {
    List<SegmentRatings> ratings = List.of(SegmentRatings.of("a", new int[0],
        new int[] {1, 1}, new long[] {0, 5}, new float[] {0f, 1f}));
    Path submission = Files.write(dir.resolve("segments.csv"),
        List.of("1,z:0 a:0 a:5"), UTF_8);
    Pipeline pipeline = TestPipelines.create();
    EvaluateSegments.Result result = pipeline
        .apply(Create.of(ratings).withCoder(SegmentRatingsCoder.of()))
        .apply(EvaluateSegments.against(submission.toString()).withNumClasses(10).withTopN(2));
    // Top 2 is z:0 (unrated) and a:0 (rated negative): the positive a:5 is cut, AP 0.
    PAssert.thatSingleton(result.metrics()).isEqualTo(new SegmentMetrics(1, 0, 2, 2, 0,
        List.of(new ClassAp(1, 0, 1, 1))));
    pipeline.run();
  }
}
