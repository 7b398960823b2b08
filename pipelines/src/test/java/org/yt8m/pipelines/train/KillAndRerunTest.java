package org.yt8m.pipelines.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.summary.EventLogs;
import org.yt8m.model.train.summary.ScalarPoint;
import org.yt8m.pipelines.evaluate.EvaluateOptions;
import org.yt8m.pipelines.evaluate.EvaluatePipeline;
import org.yt8m.pipelines.generate.GenerateOptions;
import org.yt8m.pipelines.generate.GeneratePipeline;

/**
 * {@code kill -9} at seeded random moments, then a rerun: the real {@code yt8m train} and
 * {@code yt8m evaluate --onlyNew}, each a child JVM on the test classpath, on one trainDir.
 *
 * <p>Asserted after every kill: the checkpoint pointer names a checkpoint whose files are all
 * there and {@code export/latest} a complete export, every {@code export/step_N} is complete,
 * and the rerun resumes from the checkpoint the pointer names. While a trainer runs a second one
 * fails at once naming it. Then a {@code --startNewModel} run exports once, and evaluations of
 * it are killed: in the end its export is in the history exactly once, with one TensorBoard
 * point per figure, the replaced run's exports in neither, and nothing is left behind: no
 * lease, no temporaries, no scratch directories. Reruns that need no killing run in this JVM.
 *
 * <p>Kills land a random time (seeded: {@code -Dyt8m.killSeed}) after the child says it
 * started, within the time its work takes. {@code -Dyt8m.killRuns=N} (default 2) kills
 * each command N times; {@code scripts/killtest} runs it long.
 */
class KillAndRerunTest {
  private static final int KILLS = Integer.getInteger("yt8m.killRuns", 2);
  private static final long SEED = Long.getLong("yt8m.killSeed", 7L);
  private static final long STEPS_PER_RUN = 6;
  private static final long WAIT_MINUTES = 5;
  private static final Pattern POINTER = Pattern.compile("model_checkpoint_path: \"model\\.ckpt-(\\d+)\"");

  @TempDir
  Path dir;
  private final Random random = new Random(SEED);
  private Path trainDir;
  private Path temp;
  private String trainData;
  private int children;

  @Test
  void killedTrainingAndEvaluationLeaveWholeStateAndRerunsFinishIt() throws Exception {
    trainDir = dir.resolve("train");
    temp = Files.createDirectories(dir.resolve("tmp"));
    generate();

    for (int kill = 0; kill < KILLS; kill++) {
      killTrainingAndCheck(kill == 0);
    }
    // A new model over the killed runs' directory: its run alone is evaluated below.
    String[] fresh = {"--trainDataPattern=" + trainData, "--trainDir=" + trainDir,
        "--numClasses=20", "--batchSize=32", "--maxSteps=2", "--exportModelSteps=2",
        "--startNewModel"};
    TrainCommand.execute(PipelineOptionsFactory.fromArgs(fresh).as(TrainOptions.class), quiet());
    RunId run = RunId.recordedIn(TrainDir.local(trainDir), "");

    for (int kill = 0; kill < KILLS; kill++) {
      Child evaluation = start(evaluate());
      if (evaluation.waitFor("evaluating ", "nothing to evaluate").equals("nothing to evaluate")) {
        evaluation.await();
        break; // the kill before this one came after that evaluation had committed
      }
      evaluation.killWithin(8_000);
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    EvaluatePipeline.execute(PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(evaluate(), 1,
        4)).as(EvaluateOptions.class), new PrintStream(printed, true, UTF_8));
    // The last rerun a child, whose start deletes what the killed ones left in its temp.
    Child last = start(evaluate());
    assertEquals(0, last.await(), last.output());
    assertTrue(last.output().contains("nothing to evaluate"), printed + last.output());
    assertEvaluatedOnce(run, "step_2");
    assertNothingLeft();
  }

  private void generate() throws IOException {
    Path data = dir.resolve("data");
    GeneratePipeline.execute(PipelineOptionsFactory.fromArgs("--outputDir=" + data,
        "--numVideos=512", "--numShards=2", "--numClasses=20").as(GenerateOptions.class),
        new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    trainData = data + "/train*.tfrecord";
  }

  private String[] train(long maxSteps) {
    return new String[] {"train", "--trainDataPattern=" + trainData, "--trainDir=" + trainDir,
        "--numClasses=20", "--batchSize=32", "--numEpochs=0", "--maxSteps=" + maxSteps,
        "--exportModelSteps=2", "--logEverySteps=1"};
  }

  private String[] evaluate() {
    return new String[] {"evaluate", "--evalDataPattern=" + trainData,
        "--trainDir=" + trainDir, "--onlyNew"};
  }

  /**
   * A run told to train six more steps, killed somewhere in them; then the checks. The first
   * also meets a second trainer, which must fail at once naming it.
   */
  private void killTrainingAndCheck(boolean withASecondTrainer) throws Exception {
    long pointed = pointedStep();
    Child trainer = start(train(Math.max(pointed, 0) + STEPS_PER_RUN));
    trainer.waitFor(pointed < 0 ? "starting a new LogisticModel"
        : "resumed LogisticModel from " + trainDir + " at step " + pointed + " ");
    if (withASecondTrainer) {
      String[] args = train(1000);
      IOException e = assertThrows(IOException.class, () -> TrainCommand.execute(
          PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(args, 1, args.length))
              .as(TrainOptions.class), quiet()));
      assertTrue(e.getMessage().contains("is held by process " + trainer.pid() + " on "),
          e.getMessage());
    }
    trainer.killWithin(3_000);
    assertWhole();
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
  }

  /** What a kill at any moment must leave: whole checkpoints and exports, or none. */
  private void assertWhole() throws IOException {
    long step = pointedStep();
    if (step >= 0) {
      for (String suffix : List.of(".index", ".data-00000-of-00001")) {
        assertTrue(Files.isRegularFile(trainDir.resolve("model.ckpt-" + step + suffix)),
            "the pointer names model.ckpt-" + step + " but its " + suffix + " is missing");
      }
    }
    Exports exports = new Exports(TrainDir.local(trainDir));
    exports.latest().ifPresent(latest -> assertTrue(Files.isRegularFile(
        trainDir.resolve(latest).resolve("model_flags.json")), latest + " is incomplete"));
    for (String name : TrainDir.local(trainDir).list("export")) {
      if (Exports.step(name) >= 0) {
        for (String part : List.of("model_flags.json", "saved_model.pb",
            "variables/variables.index")) {
          assertTrue(Files.isRegularFile(trainDir.resolve("export").resolve(name)
              .resolve(part)), "export/" + name + " has no " + part);
        }
      }
    }
  }

  private long pointedStep() throws IOException {
    Path pointer = trainDir.resolve("checkpoint");
    if (!Files.exists(pointer)) {
      return -1;
    }
    Matcher matcher = POINTER.matcher(Files.readString(pointer));
    assertTrue(matcher.find(), "a pointer naming no checkpoint");
    return Long.parseLong(matcher.group(1));
  }

  /** One history line of {@code run}'s only export, none of the replaced run's, one point. */
  private void assertEvaluatedOnce(RunId run, String export) throws IOException {
    List<String> lines = Files.readAllLines(trainDir.resolve("eval/history.jsonl"));
    assertEquals(1, lines.size(), lines.toString());
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertEquals(run.value(), line.get("run_id").asText());
    assertEquals(export, line.get("model_version").asText());
    Map<String, Integer> points = new HashMap<>();
    for (ScalarPoint point : EventLogs.scalars(trainDir.resolve("eval"))) {
      points.merge(point.tag() + "@" + point.step(), 1, Integer::sum);
    }
    assertEquals(5, points.size(), points.toString());
    assertTrue(points.values().stream().allMatch(n -> n == 1), points.toString());
  }

  private void assertNothingLeft() throws IOException {
    assertFalse(Files.exists(trainDir.resolve("trainer.lease")));
    for (String directory : List.of("", "export", "eval")) {
      for (String name : TrainDir.local(trainDir).list(directory)) {
        assertFalse(TrainDir.isTemporary(name), directory + "/" + name + " left behind");
      }
    }
    try (Stream<Path> scratch = Files.list(temp)) {
      List<Path> left = scratch.filter(p -> p.getFileName().toString().startsWith("yt8m-"))
          .toList();
      assertEquals(List.of(), left, "scratch of killed runs, not deleted by the reruns");
    }
  }

  private Child start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", // starts in half the time
        "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + temp,
        "org.yt8m.pipelines.launcher.Yt8m"));
    command.addAll(List.of(args));
    Path output = dir.resolve("child-" + ++children + ".txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    return new Child(process, output, String.join(" ", args));
  }

  /** A child JVM and what it prints. */
  private final class Child {
    private final Process process;
    private final Path output;
    private final String command;

    Child(Process process, Path output, String command) {
      this.process = process;
      this.output = output;
      this.command = command;
    }

    long pid() {
      return process.pid();
    }

    String output() throws IOException {
      return "yt8m " + command + ":\n" + Files.readString(output, UTF_8);
    }

    /** Waits until it has printed one of {@code texts}, and returns it; fails if it ends first. */
    String waitFor(String... texts) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
      while (true) {
        boolean ended = !process.isAlive();
        String printed = Files.readString(output, UTF_8);
        for (String text : texts) {
          if (printed.contains(text)) {
            return text;
          }
        }
        if (ended) {
          fail("ended before printing \"" + String.join("\" or \"", texts) + "\": " + output());
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          fail("no \"" + String.join("\" or \"", texts) + "\" within " + WAIT_MINUTES
              + " min: " + output());
        }
        Thread.sleep(20);
      }
    }

    /** kill -9 after a seeded random delay below {@code millis} (or after it ended). */
    void killWithin(int millis) throws Exception {
      process.waitFor(random.nextInt(millis), TimeUnit.MILLISECONDS);
      process.destroyForcibly();
      process.waitFor();
    }

    int await() throws Exception {
      if (!process.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail("still running after " + WAIT_MINUTES + " min: " + output());
      }
      return process.exitValue();
    }
  }
}
