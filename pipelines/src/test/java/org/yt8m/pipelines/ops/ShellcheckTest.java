package org.yt8m.pipelines.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shellcheck passes on every script in scripts/ and scripts/lib/ and on .ci/run, and every script
 * runs under set -euo pipefail. shellcheck must be installed (scripts/test installs it).
 */
class ShellcheckTest {
  private static final Path ROOT = Checkout.root();

  /** The executable scripts: scripts/* with a bash shebang, and .ci/run. */
  static List<Path> scripts() throws IOException {
    List<Path> scripts = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("scripts"))) {
      files.filter(Files::isRegularFile).sorted().forEach(scripts::add);
    }
    scripts.add(ROOT.resolve(".ci/run"));
    return scripts;
  }

  /** The sourced libraries: scripts/lib/*.sh. */
  static List<Path> libraries() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("scripts/lib"))) {
      return files.filter(f -> f.toString().endsWith(".sh")).sorted()
          .collect(Collectors.toList());
    }
  }

  private static String shellcheck() {
    Optional<Path> found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .map(dir -> Path.of(dir, "shellcheck")).filter(Files::isExecutable).findFirst();
    if (found.isEmpty()) {
      fail("shellcheck is not installed, and the scripts must pass it: install it "
          + "(Debian/Ubuntu: apt-get install shellcheck; macOS: brew install shellcheck); "
          + "scripts/test installs it when missing");
    }
    return found.get().toString();
  }

  @Test
  void scriptsPassShellcheck() throws IOException {
    // -x follows 'source' (the scripts point it at lib/ with a source= directive); SCRIPTDIR
    // resolves those paths from each script's folder whatever the working directory.
    List<String> command = new ArrayList<>(List.of(shellcheck(), "--external-sources",
        "--source-path=SCRIPTDIR", "--format=gcc"));
    scripts().forEach(script -> command.add(script.toString()));
    Checkout.Result result = Checkout.run(command, ROOT, Map.of());
    assertEquals(0, result.exitCode(), "shellcheck:\n" + result.stdout() + result.stderr());
  }

  /**
   * A library is checked on its own too (shellcheck does not report inside the files it follows).
   * SC2034 (assigned but unused) is off for libraries only: they assign variables for the scripts
   * that source them, which shellcheck cannot see from the library alone.
   */
  @Test
  void librariesPassShellcheck() throws IOException {
    List<String> command = new ArrayList<>(List.of(shellcheck(), "--format=gcc",
        "--exclude=SC2034"));
    libraries().forEach(library -> command.add(library.toString()));
    Checkout.Result result = Checkout.run(command, ROOT, Map.of());
    assertEquals(0, result.exitCode(), "shellcheck:\n" + result.stdout() + result.stderr());
  }

  @Test
  void scriptsStopAtTheFirstErrorAndUnsetVariable() throws IOException {
    for (Path script : scripts()) {
      String text = Checkout.read(script);
      assertTrue(text.startsWith("#!/usr/bin/env bash\n"), script + " starts with a bash shebang");
      assertTrue(text.contains("\nset -euo pipefail\n"), script + " sets -euo pipefail");
      assertTrue(Files.isExecutable(script), script + " is executable");
    }
    for (Path library : libraries()) {
      assertFalse(Files.readAllLines(library).get(0).startsWith("#!"),
          library + " is sourced, not run");
    }
  }
}
