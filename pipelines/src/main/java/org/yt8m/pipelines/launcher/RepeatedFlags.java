package org.yt8m.pipelines.launcher;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Refuses an option given twice when it takes one value: Beam's own error ("expected one element
 * but was: <5, 7>") names neither the option nor what to do. Options that take lists (Beam's
 * {@code --experiments}, say) may repeat, as Beam allows.
 */
final class RepeatedFlags {
  private RepeatedFlags() {}

  /**
   * Fails naming the first single-valued option that {@code args} (normalized: {@code --name} or
   * {@code --name=value}) give more than once.
   *
   * @throws IllegalArgumentException naming the option and each time it was given
   */
  static void reject(List<String> args, Class<? extends PipelineOptions> optionsClass) {
    Map<String, List<String>> given = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.length() > 2) {
        int equals = arg.indexOf('=');
        String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
        given.computeIfAbsent(name, n -> new ArrayList<>()).add(arg);
      }
    }
    given.forEach((name, uses) -> {
      if (uses.size() > 1 && takesOneValue(name, optionsClass)) {
        throw new IllegalArgumentException("--" + name + " is given " + uses.size()
            + " times (" + String.join(" ", uses) + "): give it once");
      }
    });
  }

  /**
   * Whether option {@code name} of the command's interface, or of an interface registered with
   * Beam (the runners'), takes one value; false when no interface has it (Beam reports that).
   */
  private static boolean takesOneValue(String name,
      Class<? extends PipelineOptions> optionsClass) {
    String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    return Stream.concat(Stream.of(optionsClass),
            PipelineOptionsFactory.getRegisteredOptions().stream())
        .flatMap(iface -> Stream.of(iface.getMethods()))
        .filter(method -> method.getParameterCount() == 0
            && (method.getName().equals("get" + suffix) || method.getName().equals("is"
                + suffix)))
        .findFirst()
        .map(Method::getReturnType)
        .map(type -> !type.isArray() && !Collection.class.isAssignableFrom(type))
        .orElse(false);
  }
}
