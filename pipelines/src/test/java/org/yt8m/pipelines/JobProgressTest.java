package org.yt8m.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.pipelines.inspect.InspectOptions;
import org.yt8m.pipelines.inspect.InspectPipeline;

/** The progress a running job reports, read from its own metrics while it runs. */
class JobProgressTest {
  private static final Pattern LINE = Pattern.compile(
      "read (\\d+) of (\\d+) shards, ([\\d,]+) records.*");

  @TempDir
  Path dir;

  @Test
  void etaComesFromTheBytesLeftAtTheRateSoFar() {
    JobProgress.Counts counts = new JobProgress.Counts(16, 1600, 4, 400, 120_345, 0);
    assertEquals("read 4 of 16 shards, 120,345 records, 12,035 records/s, ETA 0:00:30",
        counts.line(Duration.standardSeconds(10), false));
    assertEquals("read 4 of 16 shards, 120,345 records, 12,035 records/s, in 0:00:10",
        counts.line(Duration.standardSeconds(10), true));
    assertEquals("read 0 of 16 shards, 0 records, ETA after the first shard",
        new JobProgress.Counts(16, 1600, 0, 0, 0, 0).line(Duration.millis(500), false));
  }

  @Test
  void onceEveryShardIsReadTheJobIsFinishingWhatWasScoredIsShown() {
    JobProgress.Counts counts = new JobProgress.Counts(2, 200, 2, 200, 1000, 512);
    assertEquals("read 2 of 2 shards, 1,000 records, 100 records/s, 512 scored, finishing",
        counts.line(Duration.standardSeconds(10), false));
  }

  @Test
  void aRunningJobIsFollowedToItsEndFromItsMetrics() throws Exception {
    SyntheticShards shards = new SyntheticShards("train", 40, 4, false, 1, 1);
    for (int shard = 0; shard < 4; shard++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(shards.shardName(shard)))) {
        shards.writeShard(shard, SyntheticVideos.of(3, 100, FeatureSpec.VIDEO_DEFAULT), out);
      }
    }
    InspectOptions options = PipelineOptionsFactory.fromArgs(
        "--inputPattern=" + dir.resolve("train*.tfrecord"),
        "--output=" + dir.resolve("report.json"), "--numClasses=100").as(InspectOptions.class);
    options.as(DirectOptions.class).setBlockOnRun(false);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    JobProgress progress = new JobProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        false, Duration.millis(1), () -> clock.addAndGet(1_000_000_000L));

    PipelineResult result = InspectPipeline.run(options);
    assertEquals(PipelineResult.State.DONE, progress.follow(result));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertFalse(lines.isEmpty(), "no progress line");
    long before = -1;
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      assertTrue(m.matches(), line);
      assertEquals("4", m.group(2), line);
      long read = Long.parseLong(m.group(1));
      assertTrue(read >= before, "shards read went back: " + lines);
      before = read;
    }
    assertTrue(lines.get(lines.size() - 1).startsWith("read 4 of 4 shards, 40 records, "),
        lines.toString());
    assertTrue(lines.get(lines.size() - 1).contains(" in "), lines.toString());
  }
}
