package org.yt8m.pipelines.launcher;

import com.google.common.base.CaseFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Accepts the starter code's command lines: {@code --train_data_pattern=x} becomes Beam's
 * {@code --trainDataPattern=x}, Python's {@code True}/{@code False} become {@code true}/
 * {@code false}, absl's {@code --flag value} and {@code --noflag} forms are understood, and the
 * starter's flags that mean nothing here are dropped (and reported) instead of failing Beam's
 * parser with "missing a property".
 */
final class StarterFlags {
  /** Starter flags without meaning in yt8m-beam: Beam sets parallelism and devices itself. */
  static final Set<String> IGNORED = Set.of("numReaders", "numGpu", "logDevicePlacement",
      "runOnce");

  /** The rewritten arguments, and the starter flags dropped from them. */
  record Normalized(List<String> args, List<String> ignored) {}

  private StarterFlags() {}

  static Normalized normalize(List<String> args, OptionProperties properties) {
    List<String> out = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.equals("--")) {
        out.add(arg);
        continue;
      }
      int equals = arg.indexOf('=');
      String name = camel(equals < 0 ? arg.substring(2) : arg.substring(2, equals));
      String value = equals < 0 ? null : arg.substring(equals + 1);
      boolean isBoolean = properties.named(name).map(OptionProperties.Property::isBoolean)
          .orElse(false);
      if (value == null && name.startsWith("no") && properties.named(name).isEmpty()) {
        String negated = decapitalize(name.substring(2));
        if (properties.named(negated).map(OptionProperties.Property::isBoolean).orElse(false)) {
          name = negated;
          value = "false";
          isBoolean = true;
        }
      }
      if (value == null && i + 1 < args.size() && !args.get(i + 1).startsWith("--")
          && (!isBoolean || isBooleanWord(args.get(i + 1)))) {
        value = args.get(++i);
      }
      if (IGNORED.contains(name)) {
        ignored.add(arg);
        continue;
      }
      if ("True".equals(value) || "False".equals(value)) {
        value = value.toLowerCase(java.util.Locale.ROOT);
      }
      out.add(value == null ? "--" + name : "--" + name + "=" + value);
    }
    return new Normalized(List.copyOf(out), List.copyOf(ignored));
  }

  /** {@code train_data_pattern} to {@code trainDataPattern}; camelCase names are unchanged. */
  static String camel(String name) {
    return name.indexOf('_') < 0 ? name
        : CaseFormat.LOWER_UNDERSCORE.to(CaseFormat.LOWER_CAMEL, name);
  }

  private static boolean isBooleanWord(String value) {
    return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
  }

  private static String decapitalize(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
