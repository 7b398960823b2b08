package org.yt8m.transforms.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.transforms.coders.FrameRecordCoder;
import org.yt8m.transforms.coders.SegmentRatingsCoder;
import org.yt8m.transforms.eval.EvaluateSegments;
import org.yt8m.transforms.eval.VideoPredictions;
import org.yt8m.transforms.eval.VideoPredictionsCoder;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.testing.TestPipelines;

/** Segment inference's two steps of its own: cutting videos into segments, ranking per class. */
class SegmentsTest {
  @TempDir
  Path dir;

  @Test
  void videosAreCutIntoFiveFrameSegmentsTheLastOneShorter() {
    byte[] frames = new byte[12 * 2];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = (byte) i;
    }
    Pipeline pipeline = TestPipelines.create();
    PAssert.that(pipeline
        .apply(Create.of(FrameRecord.of("v", new int[] {3}, 12, 2, frames),
            FrameRecord.of("w", new int[0], 1, 2, new byte[] {7, 8}))
            .withCoder(FrameRecordCoder.of()))
        .apply(SplitSegments.create()))
        .containsInAnyOrder(
            FrameRecord.of("v:0", new int[0], 5, 2, Arrays.copyOfRange(frames, 0, 10)),
            FrameRecord.of("v:5", new int[0], 5, 2, Arrays.copyOfRange(frames, 10, 20)),
            FrameRecord.of("v:10", new int[0], 2, 2, Arrays.copyOfRange(frames, 20,
                24)),
            FrameRecord.of("w:0", new int[0], 1, 2, new byte[] {7, 8}));
    PipelineResult result = pipeline.run();
    assertEquals(4, TestPipelines.counter(result, SplitSegments.class, "segments"));
  }

  /** Cutting inside a read gives the same segments, in order, as the step. */
  @Test
  void cuttingInsideTheReadGivesTheStepsSegments() throws Exception {
    byte[] frames = new byte[12 * 2];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = (byte) i;
    }
    List<FrameRecord> cut = new ArrayList<>();
    ShardOutput.Sink<FrameRecord> sink = SplitSegments.create().inRead().open(cut::add);
    sink.add(FrameRecord.of("v", new int[] {3}, 12, 2, frames));
    sink.add(FrameRecord.of("w", new int[0], 1, 2, new byte[] {7, 8}));
    sink.close();
    assertEquals(List.of(
        FrameRecord.of("v:0", new int[0], 5, 2, Arrays.copyOfRange(frames, 0, 10)),
        FrameRecord.of("v:5", new int[0], 5, 2, Arrays.copyOfRange(frames, 10, 20)),
        FrameRecord.of("v:10", new int[0], 2, 2, Arrays.copyOfRange(frames, 20, 24)),
        FrameRecord.of("w:0", new int[0], 1, 2, new byte[] {7, 8})), cut);
  }

  /** Per class the best segments first (equal scores by id), at most maxPerClass, by class. */
  @Test
  void eachClassListsItsBestSegments() throws Exception {
    Path csv = dir.resolve("segments.csv");
    Pipeline pipeline = TestPipelines.create();
    pipeline
        .apply(Create.of(
            segment("a:0", new int[] {10, 2}, 0.9f, 0.1f),
            segment("a:5", new int[] {2, 10}, 0.8f, 0.3f),
            segment("b:0", new int[] {10, 2}, 0.3f, 0.2f),
            segment("b:5", new int[] {2, 7}, 0.8f, 0.05f))
            .withCoder(VideoPredictionsCoder.of()))
        .apply(WriteSegmentsCsv.to(csv.toString()).withMaxPerClass(2));
    pipeline.run();
    assertEquals(List.of("Class,Segments", "2,a:5 b:5", "7,b:5", "10,a:0 a:5"),
        Files.readAllLines(csv));
  }

  /**
   * Ids holding a comma or a quote are written quoted and read back whole: every rated
   * positive segment is found where it was ranked. An id holding a line break keeps the file
   * parsing, but white space separates a line's segments, so it cannot match.
   */
  @Test
  void hostileIdsSurviveTheSubmission() throws Exception {
    Path csv = dir.resolve("hostile.csv");
    List<String> ids = List.of("x,y", "q\"z", "n\nl");
    Pipeline write = TestPipelines.create();
    write.apply(Create.of(segment(ids.get(0) + ":0", new int[] {2}, 0.9f),
            segment(ids.get(1) + ":0", new int[] {2}, 0.8f),
            segment(ids.get(2) + ":5", new int[] {2}, 0.7f))
            .withCoder(VideoPredictionsCoder.of()))
        .apply(WriteSegmentsCsv.to(csv.toString()));
    write.run();
    assertEquals("Class,Segments\n2,\"x,y:0 q\"\"z:0 n\nl:5\"\n", Files.readString(csv));

    Pipeline read = TestPipelines.create();
    EvaluateSegments.Result result = read
        .apply(Create.of(ids.stream().map(id -> SegmentRatings.of(id, new int[0],
            new int[] {2}, new long[] {id.equals("n\nl") ? 5 : 0}, new float[] {1f}))
            .toList()).withCoder(SegmentRatingsCoder.of()))
        .apply(EvaluateSegments.against(csv.toString()).withNumClasses(10));
    double ap = 2.0 / 3; // two of three rated positives found, at ranks 1 and 2
    PAssert.thatSingleton(result.metrics()).isEqualTo(new SegmentMetrics(1, ap, 100_000, 3,
        0, List.of(new ClassAp(2, ap, 3, 2))));
    PAssert.that(result.deadLetters()).empty();
    read.run();
  }

  @Test
  void theClassIdsFileSkipsItsHeaderAndNamesABadLine() throws Exception {
    Path file = Files.writeString(dir.resolve("ids.csv"), "Index\n17\n3\n\n17\n900\n");
    assertArrayEquals(new int[] {3, 17, 900}, ClassIdsFile.read(file.toString(), 1000));
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> ClassIdsFile.read(file.toString(), 500));
    assertEquals(file + " line 6: class 900 is not in [0, 500)", range.getMessage());
    Path bad = Files.writeString(dir.resolve("bad.csv"), "Index\n3\nfour\n");
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> ClassIdsFile.read(bad.toString(), 10));
    assertEquals(bad + " line 3: 'four' is not a class id", text.getMessage());
  }

  static VideoPredictions segment(String id, int[] classes, float... scores) {
    return new VideoPredictions(id, new int[0], classes, scores);
  }
}
