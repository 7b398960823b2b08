package org.yt8m.pipelines.launcher;

import java.util.Locale;

/** Renders a command's options for {@code yt8m COMMAND --help}. */
final class OptionsHelp {
  private static final int WIDTH = 88;

  private OptionsHelp() {}

  static String render(Command command) {
    StringBuilder text = new StringBuilder();
    text.append("usage: yt8m ").append(command.commandName())
        .append(" [--option=value ...]\n\n").append(command.summary()).append("\n\nOptions:\n");
    for (OptionProperties.Property property :
        OptionProperties.of(command.optionsClass()).properties()) {
      text.append(String.format(Locale.ROOT, "  --%s=<%s>%s%n", property.name(),
          property.type().getSimpleName(), property.required() ? "  (required)"
              : property.defaultValue().map(d -> "  (default: " + d + ")").orElse("")));
      wrap(text, property.description(), "      ");
    }
    text.append("\nBeam's own options work too: --runner (DirectRunner by default, or "
        + "DataflowRunner),\n--project, --region, --tempLocation, --numWorkers, ... "
        + "Starter-code spellings\n(--feature_names=..., --frame_features=True) are "
        + "accepted.\n");
    return text.toString();
  }

  private static void wrap(StringBuilder text, String words, String indent) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : words.split(" ")) {
      if (line.length() + word.length() + 1 > WIDTH && line.length() > indent.length()) {
        text.append(line).append('\n');
        line = new StringBuilder(indent);
      }
      line.append(line.length() > indent.length() ? " " : "").append(word);
    }
    if (line.length() > indent.length()) {
      text.append(line).append('\n');
    }
  }
}
