package org.yt8m.pipelines.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/yt8m} as a user runs it, on the bundled jar the build just made: proves the
 * shaded jar finds its runner and file systems, and that the starter's spellings work end to end.
 */
class LauncherScriptIT {
  private static final Path ROOT = Paths.get(System.getProperty("yt8m.root", ".."))
      .toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void generateAndInspectWithStarterSpellings() throws Exception {
    Path data = dir.resolve("data");
    Run generate = yt8m("generate", "--output_dir=" + data, "--num_videos=100",
        "--num_shards=2", "--split=validate");
    assertEquals(0, generate.status(), generate.stderr());
    assertTrue(generate.stdout().contains("wrote 100 video-level videos (validate split"),
        generate.stdout());

    Path report = dir.resolve("report.json");
    Run inspect = yt8m("inspect", "--input_pattern", data.resolve("validate*").toString(),
        "--num_readers=8", "--output=" + report);
    assertEquals(0, inspect.status(), inspect.stderr());
    assertTrue(inspect.stderr().contains("ignoring starter-code flags that mean nothing here: "
        + "--num_readers=8"), inspect.stderr());
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(100, json.get("records").asInt());
    assertTrue(inspect.stdout().contains("records:   100 valid, 0 invalid"), inspect.stdout());
  }

  @Test
  void failuresExitNonZeroWithAMessage() throws Exception {
    Run missing = yt8m("inspect", "--inputPattern=" + dir.resolve("nothing*"));
    assertEquals(1, missing.status());
    assertTrue(missing.stderr().contains("matches no file"), missing.stderr());
    Run usage = yt8m("inspekt");
    assertEquals(2, usage.status());
  }

  @Test
  void helpListsCommandsAndOptions() throws Exception {
    Run help = yt8m("help");
    assertEquals(0, help.status());
    assertTrue(help.stdout().contains("inspect"), help.stdout());
    Run options = yt8m("generate", "--help");
    assertEquals(0, options.status());
    assertTrue(options.stdout().contains("--numVideos=<int>  (default: 1000)"),
        options.stdout());
  }

  @Test
  void heapIsHalfTheMachinesMemoryUnlessSized() throws Exception {
    long machineMb = ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize() >> 20;
    Run help = yt8m(Map.of(), "help");
    Matcher heap = Pattern.compile("heap: at most ([0-9,]+) MB").matcher(help.stdout());
    assertTrue(heap.find(), help.stdout());
    long heapMb = Long.parseLong(heap.group(1).replace(",", ""));
    assertTrue(Math.abs(heapMb - machineMb / 2) < machineMb / 20,
        heapMb + " MB of heap on a machine of " + machineMb + " MB");
    Run sized = yt8m(Map.of("YT8M_JAVA_OPTS", "-Xmx300m"), "help");
    assertTrue(sized.stdout().contains("heap: at most 300 MB"), sized.stdout());
  }

  private record Run(int status, String stdout, String stderr) {}

  private Run yt8m(String... args) throws IOException, InterruptedException {
    return yt8m(null, args);
  }

  /** Runs the script with {@code environment} replacing YT8M_JAVA_OPTS when not null. */
  private Run yt8m(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/yt8m")
        .toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    if (environment != null) {
      builder.environment().remove("YT8M_JAVA_OPTS");
      builder.environment().putAll(environment);
    }
    Process process = builder.start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "yt8m " + String.join(" ", args)
        + " did not finish");
    return new Run(process.exitValue(), Files.readString(out, UTF_8),
        Files.readString(err, UTF_8));
  }
}
