package org.yt8m.pipelines.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/test, the README's test command: it gets shellcheck when it can, stops with the one
 * command that fixes it when it cannot, and only then runs Maven. The script runs with a PATH of
 * fakes only (mvn, apt-get, id, sudo, and shellcheck where a test puts it), so the machine's own
 * shellcheck, installed or not, does not decide the outcome.
 */
class TestScriptTest {
  private static final Path ROOT = Checkout.root();

  @TempDir
  Path temp;
  private Path bin;
  private Path log;

  @BeforeEach
  void fakeTools() throws IOException {
    bin = Files.createDirectories(temp.resolve("bin"));
    log = temp.resolve("calls.log");
    for (String tool : List.of("bash", "dirname", "env", "chmod")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    fake("mvn", "");
    fake("sudo", "exit 1");
  }

  /** A fake tool that logs its name and arguments, then runs {@code body}. */
  private void fake(String name, String body) throws IOException {
    Path tool = bin.resolve(name);
    Files.writeString(tool, "#!/usr/bin/env bash\n"
        + "echo \"${0##*/} $*\" >>\"" + log + "\"\n" + body + "\n");
    assertTrue(tool.toFile().setExecutable(true));
  }

  private Checkout.Result runTestScript(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/test")
        .toString()));
    command.addAll(List.of(args));
    return Checkout.run(command, temp, Map.of("PATH", bin.toString()));
  }

  private List<String> calls() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void runsMavenVerifyWhenShellcheckIsThere() throws IOException {
    fake("shellcheck", "");
    Checkout.Result result = runTestScript("-Dtest=Nothing");
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(List.of("mvn -B -ntp verify -Dtest=Nothing"), calls());
  }

  @Test
  void installsShellcheckWithAptGetAsRootThenRunsMaven() throws IOException {
    fake("id", "echo 0");
    // The fake package manager "installs" shellcheck by putting a fake one on the PATH.
    fake("apt-get", "if [[ $1 == install ]]; then printf '#!/bin/sh\\n'"
        + " >\"" + bin.resolve("shellcheck") + "\"; chmod +x \"" + bin.resolve("shellcheck")
        + "\"; fi");
    Checkout.Result result = runTestScript();
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(List.of("id -u", "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends shellcheck", "mvn -B -ntp verify"),
        calls());
  }

  @Test
  void failsBeforeTheBuildNamingTheFixWhenShellcheckCannotBeInstalled() throws IOException {
    fake("id", "echo 1000");
    fake("apt-get", "exit 100");
    Checkout.Result result = runTestScript();
    assertEquals(1, result.exitCode(), result.describe());
    assertTrue(result.stderr().contains("could not install shellcheck")
        && result.stderr().contains("\n  sudo apt-get install shellcheck\n"), result.describe());
    // Neither Maven nor apt-get ran: a user without root or password-less sudo is told, not
    // prompted.
    assertEquals(List.of("id -u", "sudo -n true"), calls());
  }
}
