package org.yt8m.pipelines.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.pipelines.inspect.InspectOptions;

class Yt8mTest extends LauncherTestBase {
  @TempDir
  Path dir;


  @Test
  void helpListsTheCommands() {
    assertEquals(Yt8m.OK, run("help"));
    assertTrue(stdout().contains("  inspect    Check that shards are valid YouTube-8M data"),
        stdout());
    assertTrue(stdout().contains("  generate   Write synthetic YouTube-8M shards"), stdout());
  }

  @Test
  void commandHelpListsItsOptionsWithDefaults() {
    assertEquals(Yt8m.OK, run("inspect", "--help"));
    String help = stdout();
    assertTrue(help.contains("  --inputPattern=<String>  (required)"), help);
    assertTrue(help.contains("  --numClasses=<int>  (default: 3862)"), help);
    assertTrue(help.contains("  --featureSizes=<String>  (default: 1024,128)"), help);
    assertTrue(help.indexOf("--inputPattern") < help.indexOf("--frameFeatures"),
        "the command's own options first");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertEquals(Yt8m.USAGE, run("tarin"));
    assertTrue(stderr().startsWith("yt8m: unknown command 'tarin'"), stderr());
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    assertEquals(Yt8m.USAGE, run("inspect", "--numClasses=10"));
    assertTrue(stderr().contains("--inputPattern"), stderr());
    assertTrue(stderr().contains("See 'yt8m inspect --help'"), stderr());
  }

  /** Beam said only "expected one element but was: <5, 7>". */
  @Test
  void aRepeatedOptionIsAUsageErrorNamingIt() {
    assertEquals(Yt8m.USAGE, run("inspect", "--inputPattern=x", "--numClasses=5",
        "--num_classes", "7"));
    assertEquals("yt8m inspect: --numClasses is given 2 times (--numClasses=5 --numClasses=7): "
        + "give it once\nSee 'yt8m inspect --help' for its options.\n", stderr());
    assertEquals(Yt8m.USAGE, run("inspect", "--inputPattern=x", "--runner=DirectRunner",
        "--runner=DataflowRunner"));
    assertTrue(stderr().startsWith("yt8m inspect: --runner is given 2 times"), stderr());
  }

  @Test
  void optionsThatTakeListsMayRepeat() {
    List<String> experiments = Yt8m.parse(Command.INSPECT, List.of("--inputPattern=x",
        "--experiments=a", "--experiments=b"), err())
        .as(org.apache.beam.sdk.options.ExperimentalOptions.class).getExperiments();
    assertEquals(List.of("a", "b"), experiments);
  }

  @Test
  void directRunnerChecksAreOffUnlessAsked() {
    DirectOptions defaults = Yt8m.parse(Command.INSPECT, List.of("--inputPattern=x"),
        err()).as(DirectOptions.class);
    assertFalse(defaults.isEnforceImmutability());
    assertFalse(defaults.isEnforceEncodability());
    assertFalse(defaults.isBlockOnRun(), "returns from run() at once, for the progress line");
    DirectOptions asked = Yt8m.parse(Command.INSPECT,
        List.of("--inputPattern=x", "--enforceImmutability=true"), err())
        .as(DirectOptions.class);
    assertTrue(asked.isEnforceImmutability());
    assertEquals(List.of("--runner=DataflowRunner"),
        Yt8m.withRunnerDefaults(List.of("--runner=DataflowRunner")));
  }

  @Test
  void starterSpellingsReachTheOptions() {
    InspectOptions options = Yt8m.parse(Command.INSPECT, List.of("--input_pattern=x",
        "--frame_features=True", "--num_readers=4"), err())
        .as(InspectOptions.class);
    assertEquals("x", options.getInputPattern());
    assertTrue(options.getFrameFeatures());
    assertEquals("rgb,audio", options.getFeatureNames(), "frame-level default features");
    assertTrue(stderr().contains("warning: ignoring starter-code flags that mean nothing here: "
        + "--num_readers=4"), stderr());
  }

  @Test
  void generateThenInspect() throws Exception {
    Path data = dir.resolve("data");
    assertEquals(Yt8m.OK, run("generate", "--outputDir=" + data, "--numVideos=60",
        "--numShards=3", "--num_classes=50"), stderr());
    assertTrue(stdout().contains("wrote 60 video-level videos (train split, seed 1) in 3 "
        + "shards"), stdout());
    Path report = dir.resolve("report.json");
    assertEquals(Yt8m.OK, run("inspect", "--input_pattern=" + data.resolve("train*"),
        "--num_classes=50", "--output=" + report), stderr());
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(60, json.get("records").asInt());
    assertEquals(60, json.get("records_with_labels").asInt());
    assertTrue(stdout().contains("records:   60 valid, 0 invalid"), stdout());
    assertTrue(stdout().contains("report:    " + report), stdout());
  }

  @Test
  void prepareTakesTheStarterSpellings() throws Exception {
    Path data = dir.resolve("data");
    assertEquals(Yt8m.OK, run("generate", "--outputDir=" + data, "--numVideos=40",
        "--numShards=2"), stderr());
    Path prepared = dir.resolve("prepared");
    assertEquals(Yt8m.OK, run("prepare", "--train_data_pattern", data.resolve("train*")
        .toString(), "--output_dir=" + prepared, "--num_shards=3", "--frame_features=False"),
        stderr());
    assertTrue(stdout().contains("prepared 40 video-level records in 3 shards of 13 to 14 "
        + "records (seed 0)"), stdout());
    assertTrue(Files.exists(prepared.resolve("prepared-00002-of-00003.tfrecord")));
  }

  @Test
  void corruptShardFailsNamingFileAndRecord() throws Exception {
    Path data = dir.resolve("data");
    assertEquals(Yt8m.OK, run("generate", "--outputDir=" + data, "--numVideos=3",
        "--numShards=1"));
    Path shard = data.resolve("train0000.tfrecord");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 100] ^= 1;
    Files.write(shard, bytes);
    assertEquals(Yt8m.FAILED, run("inspect", "--inputPattern=" + shard));
    assertTrue(stderr().contains("yt8m inspect: error: " + shard + ": record 2 at byte offset "),
        stderr());
    assertTrue(stderr().contains("data checksum mismatch"), stderr());
  }

  @Test
  void corruptGzipShardFailsNamingTheFile() throws Exception {
    Path data = dir.resolve("data");
    assertEquals(Yt8m.OK, run("generate", "--outputDir=" + data, "--numVideos=20",
        "--numShards=1", "--compression=GZIP"));
    Path shard = data.resolve("train0000.tfrecord.gz");
    byte[] bytes = Files.readAllBytes(shard);
    for (int i = 40; i < 60; i++) {
      bytes[i] ^= 0x5a; // inside the deflate stream
    }
    Files.write(shard, bytes);
    assertEquals(Yt8m.FAILED, run("inspect", "--inputPattern=" + shard));
    assertTrue(stderr().startsWith("yt8m inspect: error: " + shard + ": record 0 at byte "
        + "offset 0: "), stderr());
  }

  @Test
  void remoteRunnersNeedASharedReportPath() throws Exception {
    Path shard = Files.createFile(dir.resolve("train0000.tfrecord"));
    assertEquals(Yt8m.FAILED, run("inspect", "--runner=DataflowRunner",
        "--inputPattern=" + shard));
    assertTrue(stderr().contains("give --output=gs://... (or --tempLocation)"), stderr());
    assertEquals(Yt8m.FAILED, run("inspect", "--runner=DataflowRunner",
        "--inputPattern=" + shard, "--output=/tmp/report.json"));
    assertTrue(stderr().contains("--output=/tmp/report.json is a local path, but the job runs "
        + "on DataflowRunner workers"), stderr());
  }

  @Test
  void directoryAsPatternFails() {
    assertEquals(Yt8m.FAILED, run("inspect", "--inputPattern=" + dir + "/"));
    assertTrue(stderr().contains("matches no file (it names a directory"), stderr());
  }

  @Test
  void patternMatchingNothingFails() {
    assertEquals(Yt8m.FAILED, run("inspect", "--inputPattern=" + dir.resolve("none*")));
    assertEquals("yt8m inspect: error: --inputPattern=" + dir.resolve("none*")
        + " matches no file\n", stderr());
  }
}
