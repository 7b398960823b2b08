package org.yt8m.pipelines.launcher;

import com.google.common.base.CaseFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Accepts the starter code's command lines: {@code --train_data_pattern=x} becomes Beam's
 * {@code --trainDataPattern=x}, absl's boolean spellings ({@code True}, {@code f}, {@code 1},
 * ...) become {@code true}/{@code false} for boolean options, absl's {@code --flag value} and
 * {@code --noflag} forms are understood, and the
 * starter's flags that mean nothing here are dropped (and reported) instead of failing Beam's
 * parser with "missing a property".
 */
final class StarterFlags {
  /** Starter flags without meaning in yt8m-beam: Beam sets parallelism and devices itself. */
  static final Set<String> IGNORED = Set.of("numReaders", "numGpu", "logDevicePlacement",
      "runOnce");

  private static final Set<String> ABSL_TRUE = Set.of("true", "True", "TRUE", "t", "T", "1");
  private static final Set<String> ABSL_FALSE = Set.of("false", "False", "FALSE", "f", "F",
      "0");

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
        if (IGNORED.contains(negated) || properties.named(negated)
            .map(OptionProperties.Property::isBoolean).orElse(false)) {
          name = negated;
          value = "false";
          isBoolean = true;
        }
      }
      String original = arg;
      if (value == null && i + 1 < args.size() && !args.get(i + 1).startsWith("--")
          && (!isBoolean || isBooleanWord(args.get(i + 1)))) {
        value = args.get(++i);
        original = arg + " " + value;
      }
      if (IGNORED.contains(name)) {
        ignored.add(original);
        continue;
      }
      if (value != null && isBoolean && isBooleanWord(value)) {
        value = ABSL_TRUE.contains(value) ? "true" : "false";
      } else if (properties.named(name).isEmpty() && ("True".equals(value)
          || "False".equals(value))) {
        value = value.toLowerCase(Locale.ROOT); // a Beam option's Python spelling
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

  /** absl's spellings of a boolean value: true, false, t, f, 1, 0, any case. */
  private static boolean isBooleanWord(String value) {
    return ABSL_TRUE.contains(value) || ABSL_FALSE.contains(value);
  }

  private static String decapitalize(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
