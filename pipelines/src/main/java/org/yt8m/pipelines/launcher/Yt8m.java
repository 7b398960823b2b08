package org.yt8m.pipelines.launcher;

import com.google.common.base.Throwables;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.LogManager;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.train.ScratchDirectory;

/**
 * The {@code yt8m} command line: {@code yt8m COMMAND [--option=value ...]}.
 *
 * <p>Takes Beam's camelCase options and the starter code's snake_case spellings
 * ({@link StarterFlags}); runs on the DirectRunner unless {@code --runner} says otherwise, with
 * the DirectRunner's immutability and encodability checks off (they re-encode every element and
 * make local runs 2-4x slower; tests keep them on) and without blocking in {@code run()}, so that
 * the launcher can print the job's progress while it runs. Exit status: 0 on success, 1 when the job
 * fails, 2 for a usage error.
 */
public final class Yt8m {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private Yt8m() {}

  public static void main(String[] args) {
    configureLogging();
    ScratchDirectory.deleteAbandoned(); // what killed commands left in the system temp
    System.exit(run(args, System.out, System.err));
  }

  /** One-line logs, Beam's at WARNING, unless the user configured logging. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream config = Yt8m.class.getResourceAsStream("/yt8m-logging.properties")) {
      if (config != null) {
        LogManager.getLogManager().readConfiguration(config);
      }
    } catch (IOException e) {
      System.err.println("yt8m: warning: default logging configuration not loaded: " + e);
    }
  }

  /** Runs a command line and returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0]) || args[0].equals("help")) {
      if (args.length > 1 && Command.named(args[1]).isPresent()) {
        out.print(OptionsHelp.render(Command.named(args[1]).get()));
      } else {
        out.print(usage());
      }
      return OK;
    }
    Optional<Command> command = Command.named(args[0]);
    if (command.isEmpty()) {
      err.printf("yt8m: unknown command '%s'%n%n%s", args[0], usage());
      return USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.stream().anyMatch(Yt8m::isHelp)) {
      out.print(OptionsHelp.render(command.get()));
      return OK;
    }
    String name = "yt8m " + command.get().commandName();
    PipelineOptions options;
    try {
      options = parse(command.get(), rest, err);
    } catch (IllegalArgumentException e) {
      err.printf("%s: %s%nSee '%s --help' for its options.%n", name, e.getMessage(), name);
      return USAGE;
    }
    try {
      command.get().job().execute(options, out);
      return OK;
    } catch (Exception e) {
      err.printf("%s: error: %s%n", name, describe(e));
      return FAILED;
    }
  }

  /** The command's options from its arguments, with the launcher's defaults applied. */
  static PipelineOptions parse(Command command, List<String> args, PrintStream err) {
    StarterFlags.Normalized normalized =
        StarterFlags.normalize(args, OptionProperties.of(command.optionsClass()));
    if (!normalized.ignored().isEmpty()) {
      err.printf("yt8m %s: warning: ignoring starter-code flags that mean nothing here: %s%n",
          command.commandName(), String.join(" ", normalized.ignored()));
    }
    RepeatedFlags.reject(normalized.args(), command.optionsClass());
    List<String> withDefaults = withRunnerDefaults(normalized.args());
    return PipelineOptionsFactory.fromArgs(withDefaults.toArray(String[]::new))
        .withValidation().as(command.optionsClass());
  }

  /**
   * Adds the DirectRunner's performance settings, and returning from {@code run()} at once (for
   * the progress line), unless another runner is asked for or the user set them. Read from the
   * flags' text, before there are options to ask {@code JobRunner.isLocal}.
   */
  static List<String> withRunnerDefaults(List<String> args) {
    Optional<String> runner = args.stream().filter(a -> a.startsWith("--runner="))
        .map(a -> a.substring("--runner=".length())).reduce((first, last) -> last);
    boolean direct = runner.map(r -> r.equalsIgnoreCase("DirectRunner")
        || r.equalsIgnoreCase("direct") || r.endsWith(".DirectRunner")).orElse(true);
    List<String> result = new ArrayList<>(args);
    if (direct) {
      for (String check : List.of("enforceImmutability", "enforceEncodability", "blockOnRun")) {
        if (args.stream().noneMatch(a -> a.equals("--" + check)
            || a.startsWith("--" + check + "="))) {
          result.add("--" + check + "=false");
        }
      }
    }
    return result;
  }

  /**
   * The first message in a failure's cause chain that says something of its own: wrappers whose
   * message is only their cause's {@code toString()} (Beam's PipelineExecutionException, for
   * one) are skipped, and a message that adds context (the file, the record) is kept over the
   * bare cause below it.
   */
  static String describe(Throwable failure) {
    for (Throwable t : Throwables.getCausalChain(failure)) {
      String message = t.getMessage();
      Throwable cause = t.getCause();
      boolean wrapper = message == null || message.isEmpty()
          || (cause != null && message.equals(cause.toString()));
      if (!wrapper) {
        return message;
      }
    }
    return Throwables.getRootCause(failure).toString();
  }

  static String usage() {
    StringBuilder text = new StringBuilder(
        "usage: yt8m COMMAND [--option=value ...]\n\nCommands:\n");
    for (Command command : Command.values()) {
      text.append(String.format(Locale.ROOT, "  %-10s %s%n", command.commandName(),
          command.summary()));
    }
    text.append("\n'yt8m COMMAND --help' lists a command's options. Options are Beam's "
        + "camelCase (--trainDataPattern);\nthe starter code's snake_case spellings "
        + "(--train_data_pattern) work too. Jobs run on the\nDirectRunner unless "
        + "--runner=DataflowRunner (with --project, --region, --tempLocation).\n");
    text.append(String.format(Locale.ROOT, "%nThis JVM's heap: at most %,d MB. scripts/yt8m gives "
        + "it half of the machine's memory\nunless YT8M_JAVA_OPTS sizes it "
        + "(e.g. YT8M_JAVA_OPTS=-Xmx8g).%n", Runtime.getRuntime().maxMemory() >> 20));
    return text.toString();
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.startsWith("--help=");
  }
}
