package org.yt8m.pipelines.launcher;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * The properties of a command's options interface that are ours (declared in an
 * {@code org.yt8m} interface, not Beam's): their names, types, defaults and descriptions, read
 * from the getters' annotations. Used for help and for the starter code's flag spellings.
 */
record OptionProperties(List<Property> properties) {

  /** One option: {@code --name=<type>}. */
  record Property(String name, Class<?> type, boolean required, Optional<String> defaultValue,
      String description, Class<?> declaringInterface) {

    boolean isBoolean() {
      return type == boolean.class || type == Boolean.class;
    }
  }

  /** The properties of {@code optionsClass}: its own interface's first, then inherited ones. */
  static OptionProperties of(Class<? extends PipelineOptions> optionsClass) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    collect(optionsClass, interfaces);
    List<Property> properties = new ArrayList<>();
    for (Class<?> iface : interfaces) {
      List<Property> declared = new ArrayList<>();
      for (Method method : iface.getDeclaredMethods()) {
        propertyName(method).ifPresent(name -> declared.add(new Property(name,
            method.getReturnType(), method.isAnnotationPresent(Validation.Required.class),
            defaultValue(method), description(method), iface)));
      }
      declared.sort(Comparator.comparing((Property p) -> !p.required())
          .thenComparing(Property::name));
      properties.addAll(declared);
    }
    return new OptionProperties(List.copyOf(properties));
  }

  Optional<Property> named(String name) {
    return properties.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private static void collect(Class<?> iface, Set<Class<?>> into) {
    if (iface.getName().startsWith("org.yt8m.")) {
      into.add(iface);
      for (Class<?> parent : iface.getInterfaces()) {
        collect(parent, into);
      }
    }
  }

  private static Optional<String> propertyName(Method method) {
    String name = method.getName();
    int prefix = name.startsWith("get") ? 3 : name.startsWith("is") ? 2 : 0;
    if (prefix == 0 || method.getParameterCount() != 0 || name.length() == prefix) {
      return Optional.empty();
    }
    return Optional.of(Character.toLowerCase(name.charAt(prefix)) + name.substring(prefix + 1));
  }

  private static String description(Method method) {
    Description description = method.getAnnotation(Description.class);
    return description == null ? "" : description.value();
  }

  private static Optional<String> defaultValue(Method method) {
    if (method.isAnnotationPresent(Default.String.class)) {
      return Optional.of(method.getAnnotation(Default.String.class).value());
    } else if (method.isAnnotationPresent(Default.Integer.class)) {
      return Optional.of(String.valueOf(method.getAnnotation(Default.Integer.class).value()));
    } else if (method.isAnnotationPresent(Default.Long.class)) {
      return Optional.of(String.valueOf(method.getAnnotation(Default.Long.class).value()));
    } else if (method.isAnnotationPresent(Default.Double.class)) {
      return Optional.of(String.valueOf(method.getAnnotation(Default.Double.class).value()));
    } else if (method.isAnnotationPresent(Default.Boolean.class)) {
      return Optional.of(String.valueOf(method.getAnnotation(Default.Boolean.class).value()));
    } else if (method.isAnnotationPresent(Default.Enum.class)) {
      return Optional.of(method.getAnnotation(Default.Enum.class).value());
    } else if (method.isAnnotationPresent(Default.InstanceFactory.class)) {
      return Optional.of("(computed, see description)");
    }
    return Optional.empty();
  }
}
