package org.yt8m.pipelines.ops;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.beans.Introspector;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each templates/NAME/metadata.json against the options interface its job runs with, so the two
 * cannot drift: the parameters are exactly the interface's own and inherited yt8m options
 * (getters declared in org.yt8m interfaces; Beam's generic PipelineOptions are left to Dataflow),
 * isOptional is the absence of @Validation.Required, every help text states the @Default value,
 * and every regex compiles, accepts the default and refuses what its kind cannot be.
 */
class TemplateMetadataTest {
  private static final Path TEMPLATES = Checkout.root().resolve("templates");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Template folder -> the options interface of the main class its launcher image runs. */
  static final Map<String, String> OPTIONS = Map.of(
      "inference", "org.yt8m.pipelines.infer.InferOptions",
      "evaluation", "org.yt8m.pipelines.evaluate.EvaluateOptions",
      "prepare", "org.yt8m.pipelines.prepare.PrepareOptions");

  /** The keys gcloud's TemplateMetadata and ParameterMetadata messages know. */
  private static final Set<String> TEMPLATE_KEYS = Set.of("name", "description", "parameters",
      "streaming", "supportsAtLeastOnce", "supportsExactlyOnce", "defaultStreamingMode");
  private static final Set<String> PARAMETER_KEYS = Set.of("name", "label", "helpText",
      "isOptional", "regexes", "paramType", "customMetadata", "groupName", "parentName",
      "parentTriggerValues", "enumOptions", "defaultValue", "hiddenUi");

  /** One option of an interface, by reflection on its getter. */
  record Option(String name, Class<?> type, boolean required, boolean hasDefault,
      Optional<String> literalDefault) {}

  @Test
  void everyTemplateFolderIsMappedToItsOptions() throws IOException {
    Set<String> folders;
    try (Stream<Path> children = Files.list(TEMPLATES)) {
      folders = children.filter(dir -> Files.exists(dir.resolve("metadata.json")))
          .map(dir -> dir.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(OPTIONS.keySet()), folders,
        "a templates/*/metadata.json needs its options interface in OPTIONS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void metadataHasWhatGcloudAndDataflowRead(String template) throws IOException {
    JsonNode metadata = metadata(template);
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertTrue(metadata.path("name").asText().startsWith("yt8m-beam "),
        "name"));
    checks.add(() -> assertFalse(metadata.path("description").asText().isBlank(),
        "description"));
    metadata.fieldNames().forEachRemaining(key -> checks.add(() ->
        assertTrue(TEMPLATE_KEYS.contains(key), "unknown template key " + key)));
    Set<String> seen = new TreeSet<>();
    for (JsonNode parameter : metadata.get("parameters")) {
      String name = parameter.path("name").asText();
      checks.add(() -> assertTrue(seen.add(name), "parameter " + name + " twice"));
      checks.add(() -> assertTrue(name.matches("[a-z][A-Za-z0-9]*"), "name " + name));
      checks.add(() -> assertFalse(parameter.path("label").asText().isBlank(), name + " label"));
      checks.add(() -> assertFalse(parameter.path("helpText").asText().isBlank(),
          name + " helpText"));
      checks.add(() -> assertTrue(parameter.path("isOptional").isBoolean(),
          name + " isOptional must be a boolean"));
      checks.add(() -> assertTrue(parameter.path("regexes").isArray()
          && parameter.path("regexes").size() > 0, name + " has no regexes: every parameter "
          + "is checked before a worker starts"));
      parameter.fieldNames().forEachRemaining(key -> checks.add(() ->
          assertTrue(PARAMETER_KEYS.contains(key), name + ": unknown key " + key)));
    }
    assertAll(checks);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void parametersAreExactlyTheOptionsOfTheInterface(String template) throws IOException {
    Set<String> options = new TreeSet<>(options(template).keySet());
    Set<String> parameters = parameterNames(template);
    Set<String> missing = new TreeSet<>(options);
    missing.removeAll(parameters);
    Set<String> extra = new TreeSet<>(parameters);
    extra.removeAll(options);
    assertTrue(missing.isEmpty() && extra.isEmpty(), "templates/" + template
        + "/metadata.json against " + OPTIONS.get(template) + ": options without a parameter "
        + missing + ", parameters the interface does not declare " + extra);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void requiredOptionsAreTheParametersThatAreNotOptional(String template) throws IOException {
    Map<String, Option> options = options(template);
    List<Executable> checks = new ArrayList<>();
    for (JsonNode parameter : metadata(template).get("parameters")) {
      Option option = options.get(parameter.get("name").asText());
      if (option != null) {
        checks.add(() -> assertEquals(!option.required(), parameter.get("isOptional")
            .asBoolean(), option.name() + ": isOptional must be the absence of "
            + "@Validation.Required"));
      }
    }
    assertAll(checks);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void helpTextsStateTheDefaults(String template) throws IOException {
    Map<String, Option> options = options(template);
    List<Executable> checks = new ArrayList<>();
    for (JsonNode parameter : metadata(template).get("parameters")) {
      Option option = options.get(parameter.get("name").asText());
      String help = parameter.get("helpText").asText();
      if (option != null && option.literalDefault().isPresent()) {
        checks.add(() -> assertTrue(help.contains("Default: " + option.literalDefault().get()),
            option.name() + "'s help text must say 'Default: " + option.literalDefault().get()
                + "': " + help));
      } else if (option != null && option.hasDefault()) {
        checks.add(() -> assertTrue(help.contains("Default: "), option.name()
            + " has a computed default: its help text must say what it is: " + help));
      }
    }
    assertAll(checks);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void regexesCompileAndAcceptTheDefault(String template) throws IOException {
    Map<String, Option> options = options(template);
    List<Executable> checks = new ArrayList<>();
    for (JsonNode parameter : metadata(template).get("parameters")) {
      String name = parameter.get("name").asText();
      for (JsonNode regex : parameter.path("regexes")) {
        checks.add(() -> {
          Pattern pattern;
          try {
            pattern = Pattern.compile(regex.asText());
          } catch (PatternSyntaxException e) {
            fail(name + ": regex does not compile: " + e.getMessage());
            return;
          }
          Option option = options.get(name);
          if (option != null && option.literalDefault().isPresent()) {
            assertTrue(pattern.matcher(option.literalDefault().get()).matches(),
                name + ": " + regex.asText() + " refuses the default "
                    + option.literalDefault().get());
          }
        });
      }
    }
    assertAll(checks);
  }

  /**
   * Paths are gs:// (workers cannot see a local path) and take globs; integers are integers and
   * positive unless the help text says what 0 means; booleans are true or false; enums refuse
   * what they do not name. Nothing that could end a value (quote, space, ';') passes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"inference", "evaluation", "prepare"})
  void regexesRefuseWhatTheirKindCannotBe(String template) throws IOException {
    Map<String, Option> options = options(template);
    List<Executable> checks = new ArrayList<>();
    for (JsonNode parameter : metadata(template).get("parameters")) {
      String name = parameter.get("name").asText();
      Option option = options.get(name);
      if (option == null) {
        continue;
      }
      List<Pattern> patterns = new ArrayList<>();
      parameter.path("regexes").forEach(r -> patterns.add(Pattern.compile(r.asText())));
      List<String> good = new ArrayList<>();
      List<String> bad = new ArrayList<>(List.of("", " ", "a'b", "x;y"));
      Class<?> type = option.type();
      if (type == int.class || type == Integer.class || type == long.class
          || type == Long.class) {
        good.addAll(List.of("1", "300", "3862"));
        bad.addAll(List.of("-1", "1.5", "ten", "1e3", "01"));
        if (!parameter.get("helpText").asText().contains("0:")
            && !option.literalDefault().orElse("").equals("0")) {
          bad.add("0");
        }
      } else if (type == boolean.class || type == Boolean.class) {
        good.addAll(List.of("true", "false"));
        bad.addAll(List.of("yes", "TRUE", "1"));
      } else if (type.isEnum()) {
        bad.add("BOGUS");
      } else if (name.endsWith("Pattern") || name.endsWith("Dir") || name.endsWith("File")
          || name.equals("predictions")) {
        good.addAll(List.of("gs://yt8m-bucket/train/train*.tfrecord", "gs://yt8m-bucket/a_b/",
            "gs://yt8m.bucket/x/part-0000[0-3]-of-00010.tfrecord", "gs://b1/p=1/x@2.csv"));
        bad.addAll(List.of("/tmp/train*.tfrecord", "train.tfrecord", "gs://", "gs://B/x",
            "gs://yt8m-bucket/a b", "gs://yt8m-bucket/a,b", "gs://yt8m-bucket/a~b",
            "gs://yt8m-bucket/$(x)", "gs://yt8m-bucket/a\"b", "gs://yt8m-bucket/a\nb"));
      }
      for (String value : good) {
        checks.add(() -> assertTrue(patterns.stream().allMatch(p -> p.matcher(value).matches()),
            name + " must accept " + value));
      }
      for (String value : bad) {
        checks.add(() -> assertFalse(patterns.stream().allMatch(p -> p.matcher(value).matches()),
            name + " must refuse '" + value + "'"));
      }
    }
    assertAll(checks);
  }

  // ---- Reading both sides -----------------------------------------------------------------

  static JsonNode metadata(String template) throws IOException {
    return JSON.readTree(TEMPLATES.resolve(template).resolve("metadata.json").toFile());
  }

  static Set<String> parameterNames(String template) throws IOException {
    Set<String> names = new TreeSet<>();
    metadata(template).get("parameters").forEach(p -> names.add(p.get("name").asText()));
    return names;
  }

  /** The options of the template's interface, own and inherited, declared in org.yt8m. */
  static Map<String, Option> options(String template) {
    String interfaceName = OPTIONS.get(template);
    Class<?> options;
    try {
      options = Class.forName(interfaceName);
    } catch (ClassNotFoundException e) {
      return fail("templates/" + template + "/metadata.json describes " + interfaceName
          + ", which is not on the test classpath: the " + template + " pipeline's options "
          + "interface does not exist (yet?)");
    }
    Map<String, Option> byName = new LinkedHashMap<>();
    for (Method getter : options.getMethods()) {
      if (!getter.getDeclaringClass().getName().startsWith("org.yt8m.")
          || getter.getParameterCount() != 0 || getter.getReturnType() == void.class
          || Modifier.isStatic(getter.getModifiers()) || getter.isDefault()) {
        continue;
      }
      String method = getter.getName();
      String property;
      if (method.startsWith("get") && method.length() > 3) {
        property = Introspector.decapitalize(method.substring(3));
      } else if (method.startsWith("is") && method.length() > 2) {
        property = Introspector.decapitalize(method.substring(2));
      } else {
        continue;
      }
      byName.put(property, new Option(property, getter.getReturnType(),
          getter.isAnnotationPresent(Validation.Required.class), hasDefault(getter),
          literalDefault(getter)));
    }
    return byName;
  }

  private static boolean hasDefault(Method getter) {
    return Stream.of(getter.getAnnotations()).anyMatch(a -> a.annotationType()
        .getEnclosingClass() == Default.class);
  }

  /**
   * The value of a literal @Default (String, Integer, Long, Boolean, Double, Float, Enum, ...)
   * as text; none for @Default.InstanceFactory and @Default.Class, whose value is a class.
   */
  private static Optional<String> literalDefault(Method getter) {
    for (Annotation annotation : getter.getAnnotations()) {
      if (annotation.annotationType().getEnclosingClass() != Default.class) {
        continue;
      }
      try {
        Object value = annotation.annotationType().getMethod("value").invoke(annotation);
        if (!(value instanceof Class<?>)) {
          return Optional.of(String.valueOf(value));
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(annotation + " has no value()", e);
      }
    }
    return Optional.empty();
  }
}
