package org.yt8m.pipelines.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.pipelines.launcher.Yt8m;
import org.yt8m.transforms.inspect.RecordStats;

/**
 * {@code scripts/bench scale}: each command run the way a user runs it, as its own cold JVM
 * process with a fixed heap ({@code -Xmx2g} by default), on generated video-level data in shards
 * of 1,600 videos (the real 2018 splits' size) at several sizes: wall and CPU time, peak
 * resident set (the child's {@code VmHWM}, polled), the most heap in use after a collection and
 * the GC pauses (from the child's {@code -Xlog:gc}), videos per second, and the ratio to the
 * same work without Beam measured in this run: the plain loops of {@code bench evaluate} and
 * of {@code inspect} (read, decode, {@link RecordStats}), and for {@code infer} the model alone
 * of {@code bench infer}. Whether memory stays flat as the input grows is read off the table.
 *
 * <p>{@code --jar=PATH} runs the commands of another build's bundled jar (the baselines stay
 * this build's), to compare before and after a change on the same data.
 *
 * <p>With {@code --histograms}, a class histogram of each child's live heap is taken every few
 * seconds ({@code jcmd GC.class_histogram}, which forces a full collection: times are then not
 * comparable) and the largest kept as {@code workDir/histogram-COMMAND-VIDEOS.txt}.
 */
public final class ScaleBenchmark {
  private static final int CLASSES = 3862;
  private static final int VIDEOS_PER_SHARD = 1_600;
  private static final int BATCH_SIZE = 512;
  private static final int TOP_K = 20;
  private static final List<String> COMMANDS = List.of("inspect", "evaluate", "infer",
      "prepare");

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(10_000, 100_000);
    List<String> commands = COMMANDS;
    String heap = "2g";
    boolean histograms = false;
    String classPath = System.getProperty("java.class.path");
    Path work = Paths.get(System.getProperty("java.io.tmpdir"), "yt8m-bench-scale");
    for (String arg : args) {
      if (arg.startsWith("--sizes=")) {
        sizes = Arrays.stream(arg.substring("--sizes=".length()).split(","))
            .map(Integer::valueOf).toList();
      } else if (arg.startsWith("--commands=")) {
        commands = List.of(arg.substring("--commands=".length()).split(","));
      } else if (arg.startsWith("--heap=")) {
        heap = arg.substring("--heap=".length());
      } else if (arg.startsWith("--jar=")) {
        classPath = arg.substring("--jar=".length());
      } else if (arg.equals("--histograms")) {
        histograms = true;
      } else if (arg.startsWith("--workDir=")) {
        work = Paths.get(arg.substring("--workDir=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (known: "
            + "--sizes=N,N,... --commands=" + String.join(",", COMMANDS)
            + " --heap=2g --jar=PATH --histograms --workDir=DIR)");
      }
    }
    if (!COMMANDS.containsAll(commands)) {
      throw new IllegalArgumentException("--commands: one of " + COMMANDS + ", got " + commands);
    }
    Path trainDir = work.resolve("train-LogisticModel");
    Path export = commands.contains("infer")
        ? InferBenchmark.trainedExport(trainDir, "LogisticModel", work.resolve("train-data"))
        : null;
    System.out.printf(Locale.ROOT, "video-level shards of %,d videos, %d classes; each command "
        + "a cold JVM with -Xmx%s; %d cores%n", VIDEOS_PER_SHARD, CLASSES, heap,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%n%-9s %9s %7s %7s %6s %8s %9s %9s %7s  %s%n", "command",
        "videos", "wall s", "CPU s", "GC s", "RSS MB", "heap MB", "videos/s", "ratio",
        "ratio to");
    for (int videos : sizes) {
      Path data = work.resolve(videos + "-videos");
      int shards = (videos + VIDEOS_PER_SHARD - 1) / VIDEOS_PER_SHARD;
      List<Path> files = ShardFiles.generate(data, new SyntheticShards("validate", videos,
          shards, false, 1, 1), CLASSES);
      Path predictions = work.resolve("predictions-" + videos + ".csv");
      if (commands.contains("evaluate") && !Files.exists(predictions)) {
        EvaluateBenchmark.writePredictions(files, CLASSES, predictions);
      }
      String pattern = data.resolve("validate*.tfrecord").toString();
      Child.Options child = new Child.Options(classPath, heap, histograms, work);
      for (String command : commands) {
        Path out = work.resolve("out-" + command + "-" + videos);
        Baseline baseline = switch (command) {
          case "inspect" -> new Baseline("plain loop", inspectLoop(files, videos));
          case "evaluate" -> new Baseline("plain loop", evaluateLoop(data, predictions, videos));
          case "infer" -> new Baseline("model alone", modelAlone(export, files.get(0)));
          default -> null;
        };
        List<String> flags = switch (command) {
          case "inspect" -> List.of("--inputPattern=" + pattern, "--output=" + out + ".json");
          case "evaluate" -> List.of("--evalDataPattern=" + pattern,
              "--predictions=" + predictions, "--outputDir=" + out);
          case "infer" -> List.of("--inputDataPattern=" + pattern, "--trainDir=" + trainDir,
              "--outputFile=" + out + ".csv", "--batchSize=" + BATCH_SIZE, "--topK=" + TOP_K);
          default -> List.of("--trainDataPattern=" + pattern, "--outputDir=" + out);
        };
        Child.Result result = Child.run(command, videos, flags, child);
        double rate = videos / result.seconds();
        System.out.printf(Locale.ROOT, "%-9s %,9d %7.1f %7.1f %6.1f %,8d %,9d %,9.0f %7s  %s%n",
            command, videos, result.seconds(), result.cpuSeconds(), result.gcPauseSeconds(),
            result.peakRssKb() / 1024, result.heapAfterGcMb(), rate,
            baseline == null ? "" : String.format(Locale.ROOT, "%.2fx", rate / baseline.rate()),
            baseline == null ? "" : String.format(Locale.ROOT, "%s %,.0f/s", baseline.name(),
                baseline.rate()));
      }
    }
  }

  /** The same work without Beam, and its videos per second. */
  private record Baseline(String name, double rate) {}

  /** What inspect computes, in one thread: read, decode, count; after a one-shard warm-up. */
  private static double inspectLoop(List<Path> files, int videos) throws Exception {
    ShardFiles.forEachVideo(files.subList(0, 1), CLASSES, new RecordStats()::add);
    long start = System.nanoTime();
    RecordStats stats = new RecordStats();
    ShardFiles.forEachVideo(files, CLASSES, stats::add);
    return videos / seconds(start);
  }

  /** {@code bench evaluate}'s plain loop, after one warm-up run. */
  private static double evaluateLoop(Path data, Path predictions, int videos) throws Exception {
    EvaluateBenchmark.plainLoop(data, predictions, CLASSES);
    long start = System.nanoTime();
    EvaluateBenchmark.plainLoop(data, predictions, CLASSES);
    return videos / seconds(start);
  }

  /** {@code bench infer}'s model alone: one batch of the first shard, scored for 5 s. */
  private static double modelAlone(Path export, Path shard) throws Exception {
    try (ExportedModel model = ExportedModel.load(export, 1)) {
      List<VideoRecord> batch = InferBenchmark.read(shard).subList(0, BATCH_SIZE);
      for (int i = 0; i < 3; i++) {
        model.score(batch, TOP_K);
      }
      long start = System.nanoTime();
      long scored = InferBenchmark.modelAlone(model, batch);
      return scored / seconds(start);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** A command of the launcher run as a child JVM, its wall time and peak resident set. */
  private static final class Child {
    private static final long POLL_MILLIS = 20;
    private static final long HISTOGRAM_MILLIS = 3_000;
    /** A -Xlog:gc line's heap before->after(committed), e.g. "24M->3M(256M)". */
    private static final Pattern GC_HEAP = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)");
    private static final Pattern GC_PAUSE = Pattern.compile(" Pause .* ([0-9.]+)ms$");

    private Child() {}

    /** The commands' class path (another build's jar, to compare), heap, histograms, dir. */
    record Options(String classPath, String heap, boolean histograms, Path work) {}

    /**
     * Wall and CPU seconds (the CPU time less disturbed by other processes), peak RSS, and from
     * the GC log: the most heap in use after a collection (what the process held, where RSS
     * also counts the garbage the collector let pile up) and the seconds of GC pauses.
     */
    record Result(double seconds, double cpuSeconds, long peakRssKb, long heapAfterGcMb,
        double gcPauseSeconds) {}

    static Result run(String command, int videos, List<String> flags, Options options)
        throws Exception {
      List<String> line = new ArrayList<>(List.of(
          Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + options.heap(), "-cp", options.classPath(),
          Yt8m.class.getName(), command));
      line.addAll(flags);
      Path log = options.work().resolve("log-" + command + "-" + videos + ".txt");
      Path gcLog = options.work().resolve("gc-" + command + "-" + videos + ".txt");
      line.add(1, "-Xlog:gc:file=" + gcLog);
      ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      long start = System.nanoTime();
      Process process = builder.start();
      long peakKb = 0;
      Duration cpu = Duration.ZERO;
      long nextHistogram = System.nanoTime() + HISTOGRAM_MILLIS * 1_000_000;
      String biggest = null;
      long biggestBytes = -1;
      while (process.isAlive()) {
        peakKb = Math.max(peakKb, vmHwmKb(process.pid()));
        cpu = process.info().totalCpuDuration().orElse(cpu);
        if (options.histograms() && System.nanoTime() > nextHistogram) {
          String histogram = histogram(process.pid());
          long bytes = histogramTotalBytes(histogram);
          if (bytes > biggestBytes) {
            biggest = histogram;
            biggestBytes = bytes;
          }
          nextHistogram = System.nanoTime() + HISTOGRAM_MILLIS * 1_000_000;
        }
        Thread.sleep(POLL_MILLIS);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (process.exitValue() != 0) {
        throw new IllegalStateException(command + " at " + videos + " videos exited with "
            + process.exitValue() + "; its output is in " + log);
      }
      if (biggest != null) {
        Files.writeString(options.work().resolve("histogram-" + command + "-" + videos
            + ".txt"), biggest, UTF_8);
      }
      long heapAfterGc = 0;
      double pauseMillis = 0;
      for (String gc : Files.readAllLines(gcLog, UTF_8)) {
        Matcher heap = GC_HEAP.matcher(gc);
        if (heap.find()) {
          heapAfterGc = Math.max(heapAfterGc, Long.parseLong(heap.group(1)));
        }
        Matcher pause = GC_PAUSE.matcher(gc);
        if (pause.find()) {
          pauseMillis += Double.parseDouble(pause.group(1));
        }
      }
      return new Result(seconds, cpu.toNanos() / 1e9, peakKb, heapAfterGc, pauseMillis / 1e3);
    }

    /** The process's peak resident set so far (0 once it has gone). */
    private static long vmHwmKb(long pid) {
      try {
        for (String status : Files.readAllLines(Paths.get("/proc", Long.toString(pid),
            "status"))) {
          if (status.startsWith("VmHWM:")) {
            return Long.parseLong(status.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // The process ended between the check and the read.
      }
      return 0;
    }

    private static String histogram(long pid) throws Exception {
      Process jcmd = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin",
          "jcmd").toString(), Long.toString(pid), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String text = new String(jcmd.getInputStream().readAllBytes(), UTF_8);
      jcmd.waitFor();
      return text;
    }

    /** The "Total" line's bytes of a class histogram (-1 without one). */
    private static long histogramTotalBytes(String histogram) {
      for (String row : histogram.split("\n")) {
        String[] words = row.trim().split("\\s+");
        if (words.length == 3 && words[0].equals("Total")) {
          return Long.parseLong(words[2]);
        }
      }
      return -1;
    }
  }
}
