package org.yt8m.transforms.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.transforms.coders.IntArrays;
import org.yt8m.transforms.io.DeadLetter;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.testing.TestPipelines;

/** Every way a predictions file and the shards can disagree, counted; nothing dropped. */
class JoinLabelsTest {
  @TempDir
  Path dir;

  @Test
  void countsEveryMismatch() throws Exception {
    Path file = Files.write(dir.resolve("predictions.csv"), List.of(
        "VideoId,LabelConfidencePairs",
        "ok,1 0.9 2 0.1",
        "",
        "ghost,1 0.5",
        "bad,1 NaN",
        "dup,2 0.7",
        "dup,1 0.3",
        "twice,1 0.8"), UTF_8);
    Pipeline pipeline = TestPipelines.create();
    ReadResult<KV<String, RankedPredictions>> predictions = pipeline.apply(
        PredictionsCsv.read(file.toString()).withNumClasses(5));
    PCollection<KV<String, int[]>> labels = pipeline.apply(Create.of(
        KV.of("ok", new int[] {1}),
        KV.of("bad", new int[] {2}), // its line is malformed: evaluated without predictions
        KV.of("dup", new int[] {2}),
        KV.of("twice", new int[] {1}),
        KV.of("twice", new int[] {3}), // two shard records: the smaller labels are kept
        KV.of("silent", new int[] {4}), // no line at all
        KV.of("test", new int[0]))) // no labels: not evaluated
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IntArrays.sortedCoder()));
    JoinLabels.Result joined = labels.apply(JoinLabels.with(predictions.records()));

    PAssert.that(joined.videos().apply("Describe", MapElements.into(TypeDescriptors.strings())
        .via(v -> v.id() + " " + java.util.Arrays.toString(v.labels()) + " "
            + java.util.Arrays.toString(v.ranked())))).containsInAnyOrder(
                "ok [1] [1, 2]", "bad [2] []", "dup [2] [2]", "twice [1] [1]", "silent [4] []");
    PAssert.that(joined.counts()).containsInAnyOrder(KV.of("unknown_videos", 1L),
        KV.of("videos_without_predictions", 2L), KV.of("duplicate_shard_videos", 1L),
        KV.of("unlabelled_videos", 1L));
    PAssert.that(joined.deadLetters().apply("Duplicates", MapElements
        .into(TypeDescriptors.strings()).via(DeadLetter::toString))).containsInAnyOrder(
            file + " line 7 (id dup): duplicate_video_id: video dup already has predictions on "
                + file + " line 6");
    PAssert.that(predictions.deadLetters().apply("Malformed", MapElements
        .into(TypeDescriptors.strings()).via(DeadLetter::toString))).containsInAnyOrder(
            file + " line 5 (id bad): bad_score: score 'NaN' of class 1 is not a finite "
                + "decimal number");
    pipeline.run();
  }
}
