package org.yt8m.pipelines.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.transforms.io.FileSystemsShards;
import org.yt8m.transforms.io.ManifestCheck;
import org.yt8m.transforms.io.SetManifest;
import org.yt8m.transforms.io.SetMismatchException;
import org.yt8m.transforms.testing.ShardFiles;

/**
 * {@code infer --numShards} and {@code prepare} killed with SIGKILL at seeded random moments,
 * then rerun to the end: after every kill the destination holds a whole set that its manifest
 * describes (the previous run's, or the killed run's if it got that far) or, killed while the
 * commit moved files into place, a set its manifest marks incomplete and readers refuse; after
 * the rerun, the new set, every video once, and no temporaries. Each run is a child JVM running
 * the launcher on this test's classpath, as {@code scripts/yt8m} runs the bundled jar.
 *
 * <p>{@code -Dyt8m.killRuns=N} (default 3) kills per command, {@code -Dyt8m.killSeed=S} the seed
 * of the moments; {@code scripts/killtest} runs many.
 */
class KillAndRerunTest {
  private static final int KILLS = Integer.getInteger("yt8m.killRuns", 3);
  private static final long SEED = Long.getLong("yt8m.killSeed", 20_240_611L);
  private static final int VIDEOS = 300;

  @TempDir
  Path dir;

  @Test
  void inferIntoShards() throws Exception {
    FeatureSpec features = FeatureSpec.parse("mean_rgb,mean_audio", "3,1");
    KnownModels.export(dir.resolve("modelA"), Models.LOGISTIC, features,
        KnownModels.Weights.random(4, 6, 1), 1);
    KnownModels.export(dir.resolve("modelB"), Models.LOGISTIC, features,
        KnownModels.Weights.random(4, 6, 2), 1);
    Yt8mEncoder encoder = new Yt8mEncoder(features);
    List<String> ids = new ArrayList<>();
    for (int shard = 0; shard < 3; shard++) {
      List<byte[]> records = new ArrayList<>();
      for (int v = shard; v < VIDEOS; v += 3) {
        ids.add("vid" + v);
        records.add(encoder.encodeVideo(VideoRecord.of("vid" + v, new int[0],
            new float[] {v % 7, 1, -v % 5, 2}), false));
      }
      ShardFiles.write(dir.resolve("test000" + shard + ".tfrecord"), records);
    }
    Path out = Files.createDirectories(dir.resolve("out"));
    int[] shardCounts = {4, 2, 3};
    Destination predictions = new Destination(out, "pred.csv.manifest.json",
        Pattern.compile("pred(-\\d{5}-of-\\d{5})?\\.csv"), ".pred.csv.tmp-", ids,
        () -> idsInPredictions(out));
    killAndRerun(predictions, run -> List.of("infer",
        "--inputDataPattern=" + dir.resolve("test*.tfrecord"),
        "--trainDir=" + dir.resolve(run % 2 == 0 ? "modelA" : "modelB"),
        "--outputFile=" + out.resolve("pred.csv"),
        "--numShards=" + shardCounts[run % shardCounts.length], "--topK=3", "--batchSize=16"),
        run -> shardCounts[run % shardCounts.length]);
  }

  @Test
  void prepare() throws Exception {
    SyntheticShards split = new SyntheticShards("train", VIDEOS, 3, false, 10, 330);
    Path in = Files.createDirectories(dir.resolve("in"));
    for (int shard = 0; shard < split.numShards(); shard++) {
      try (OutputStream stream = Files.newOutputStream(in.resolve(split.shardName(shard)))) {
        split.writeShard(shard, SyntheticVideos.of(4, 3862, FeatureSpec.VIDEO_DEFAULT), stream);
      }
    }
    List<String> ids = new ArrayList<>();
    for (ShardSource shard : FileSystemsShards.matching(in + "/train*", Compression.AUTO)) {
      ids.addAll(idsOfRecords(shard));
    }
    Path out = dir.resolve("prepared");
    int[] shardCounts = {4, 3, 2};
    // Read as the trainer reads its input: checked against manifest.json, each shard's
    // checksum at its end.
    Destination prepared = new Destination(out, "manifest.json",
        Pattern.compile("prepared-\\d{5}-of-\\d{5}\\.tfrecord"), ".prepared.tmp-", ids,
        () -> {
          List<String> found = new ArrayList<>();
          for (ShardSource shard : FileSystemsShards.matching(out + "/prepared-*.tfrecord",
              Compression.AUTO)) {
            found.addAll(idsOfRecords(shard));
          }
          return found;
        });
    killAndRerun(prepared, run -> List.of("prepare",
        "--trainDataPattern=" + in.resolve("train*.tfrecord"), "--outputDir=" + out,
        "--numShards=" + shardCounts[run % shardCounts.length], "--seed=" + run % 2),
        run -> shardCounts[run % shardCounts.length]);
  }

  /**
   * Runs the command of run 0 to its end, then {@link #KILLS} runs killed at random moments
   * (uniform over 1.25 times how long run 0 took: a run that ends first is not killed),
   * checking the destination after each, then one more to its end.
   */
  private void killAndRerun(Destination destination, IntFunction<List<String>> command,
      IntFunction<Integer> files) throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    long started = System.nanoTime();
    runToEnd(command.apply(0));
    long fullRunMillis = (System.nanoTime() - started) / 1_000_000;
    List<String> committed = destination.assertWhole(files.apply(0), "run 0");
    int interrupted = 0;
    for (int run = 1; run <= KILLS; run++) {
      long delay = random.nextLong(fullRunMillis + fullRunMillis / 4);
      String what = "run " + run + " killed after " + delay + " ms (seed " + SEED + ")";
      Process process = start(command.apply(run), run);
      if (!process.waitFor(delay, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        process.waitFor();
      }
      Optional<List<String>> whole = destination.wholeOrRefused(what);
      String found;
      if (whole.isEmpty()) {
        interrupted++;
        found = "a commit interrupted, refused";
      } else if (whole.get().equals(committed)) {
        found = "the previous set";
      } else {
        assertEquals(files.apply(run), whole.get().size(), what + ": a set other than the "
            + "previous one is the killed run's, whole: " + whole.get());
        committed = whole.get();
        found = "its own set";
      }
      System.out.printf("%s %s: %s%n", destination.manifest.getFileName(), what, found);
    }
    runToEnd(command.apply(KILLS + 1));
    destination.assertWhole(files.apply(KILLS + 1), "the rerun after " + KILLS + " kills ("
        + interrupted + " in a commit)");
    destination.assertNoTemporaries();
  }

  /** How a reader reads every id of a set, refusing it when it does not match its manifest. */
  @FunctionalInterface
  private interface SetReader {
    List<String> read() throws IOException;
  }

  /** A set's destination, and how its readers read it. */
  private static final class Destination {
    final Path directory;
    final Path manifest;
    final Pattern members;
    final String stagingPrefix;
    final List<String> ids;
    final SetReader reader;

    Destination(Path directory, String manifest, Pattern members, String stagingPrefix,
        List<String> ids, SetReader reader) {
      this.directory = directory;
      this.manifest = directory.resolve(manifest);
      this.members = members;
      this.stagingPrefix = stagingPrefix;
      this.ids = ids.stream().sorted().toList();
      this.reader = reader;
    }

    /**
     * The files of the committed set, when the manifest says it is complete: then they are
     * exactly the files it lists, each as listed, holding every video once. Empty when the
     * manifest says a commit was interrupted: then a reader refuses the set.
     */
    Optional<List<String>> wholeOrRefused(String what) throws IOException {
      assertTrue(Files.exists(manifest), what + ": the set's manifest is gone");
      SetManifest set = SetManifest.parse(manifest.toString(), Files.readString(manifest))
          .orElseThrow();
      if (!set.complete()) {
        SetMismatchException refused = assertThrows(SetMismatchException.class,
            reader::read, what + ": an interrupted commit must be refused");
        assertTrue(refused.getMessage().contains("says it is incomplete"), refused.getMessage());
        return Optional.empty();
      }
      List<String> listed = set.files().stream().map(f -> f.name()).sorted().toList();
      assertEquals(listed, memberFiles().stream().map(f -> f.getFileName().toString())
          .toList(), what + ": the files of the set's names are exactly those listed");
      assertEquals(ids, reader.read().stream().sorted().toList(),
          what + ": every video once, none missing");
      return Optional.of(listed);
    }

    List<String> assertWhole(int files, String what) throws IOException {
      List<String> listed = wholeOrRefused(what).orElseThrow();
      assertEquals(files, listed.size(), what + ": " + listed);
      return listed;
    }

    void assertNoTemporaries() throws IOException {
      try (Stream<Path> all = Files.list(directory)) {
        List<String> left = all.map(f -> f.getFileName().toString())
            .filter(name -> name.startsWith(stagingPrefix) || name.endsWith(".tmp")).toList();
        assertEquals(List.of(), left, "what killed runs left is removed by the next commit");
      }
    }

    private List<Path> memberFiles() throws IOException {
      try (Stream<Path> all = Files.list(directory)) {
        return all.filter(f -> members.matcher(f.getFileName().toString()).matches())
            .sorted().toList();
      }
    }
  }

  /**
   * The ids in the predictions files of {@code out}, read as {@code evaluate --predictions}
   * reads them: each checked against the manifest, its checksum at its end.
   */
  private static List<String> idsInPredictions(Path out) throws IOException {
    ManifestCheck check = new ManifestCheck();
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> all = Files.list(out)) {
      files = all.filter(f -> f.getFileName().toString().matches("pred.*\\.csv")).sorted()
          .toList();
    }
    for (Path file : files) {
      ManifestCheck.Listed listed = check.check(FileSystems.matchSingleFileSpec(
          file.toString())).orElseThrow();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          ManifestCheck.verifying(Files.newInputStream(file), file.toString(), listed),
          UTF_8))) {
        assertEquals("VideoId,LabelConfidencePairs", reader.readLine(), file.toString());
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          found.add(line.substring(0, line.indexOf(',')));
        }
      }
    }
    return found;
  }

  private static List<String> idsOfRecords(ShardSource shard) throws IOException {
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 3862, 300);
    List<String> ids = new ArrayList<>();
    try (InputStream in = shard.open(); TfRecordReader reader = new TfRecordReader(shard.name(),
        in)) {
      while (reader.next()) {
        try {
          ids.add(decoder.decodeVideo(reader.buffer(), reader.length()).id());
        } catch (org.yt8m.model.record.InvalidRecordException e) {
          throw new IOException(shard.name() + ": " + e.getMessage(), e);
        }
      }
    }
    return ids;
  }

  private void runToEnd(List<String> args) throws Exception {
    Process process = start(args, -1);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "yt8m " + args + " did not end");
    assertEquals(0, process.exitValue(), "yt8m " + args + ":\n"
        + Files.readString(log(-1)));
  }

  /** {@code yt8m ARGS} in a child JVM, its output in a log of run {@code run}. */
  private Process start(List<String> args, int run) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Xmx768m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", Yt8m.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log(run).toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }

  private Path log(int run) {
    return dir.resolve("run" + run + ".log");
  }
}
