package org.yt8m.pipelines.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs the launcher in this JVM, keeping what it prints for the test to read. */
abstract class LauncherTestBase {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** {@code yt8m ARGS}, the exit code it would end with. */
  int run(String... args) {
    out.reset();
    err.reset();
    return Yt8m.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  /** What the last run printed on stdout. */
  String stdout() {
    return out.toString(UTF_8);
  }

  /** A stream into what {@link #stderr} returns, for calls that print warnings. */
  PrintStream err() {
    return new PrintStream(err, true, UTF_8);
  }

  /** What the last run printed on stderr. */
  String stderr() {
    return err.toString(UTF_8);
  }
}
