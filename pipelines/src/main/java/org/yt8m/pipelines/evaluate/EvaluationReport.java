package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.SegmentMetrics;
import org.yt8m.transforms.inspect.DeadLetterStats;
import org.yt8m.transforms.io.DeadLetter;

/**
 * The evaluation's outputs, rendered: {@code metrics.json} (snake_case keys, as the starter
 * code's metric names), {@code per_class_ap.csv}, and the one-line summary of the starter's
 * eval.py.
 */
final class EvaluationReport {
  static final String METRICS_FILE = "metrics.json";
  static final String PER_CLASS_FILE = "per_class_ap.csv";
  static final String REPORT_FILE = "report.html";

  /** The join's and readers' counts that file mode reports, zero when absent. */
  static final String[] FILE_MODE_COUNTS = {"videos_without_predictions", "unknown_videos",
      "malformed_lines", "duplicate_prediction_lines", "unlabelled_videos",
      "duplicate_shard_videos", "invalid_records"};
  /** The readers' counts that model mode reports, zero when absent. */
  static final String[] MODEL_MODE_COUNTS = {"unlabelled_videos", "invalid_records"};
  /** Malformed lines shown in metrics.json and printed, the first by file and line. */
  static final int MALFORMED_EXAMPLES = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationReport() {}

  /** What was evaluated in file mode, and when. */
  static ObjectNode context(String evalDataPattern, String predictions, int topK,
      int numClasses, boolean mapOverAllClasses, String evaluatedAt) {
    ObjectNode context = JSON.createObjectNode();
    context.put("eval_data_pattern", evalDataPattern);
    context.put("predictions", predictions);
    return common(context, topK, numClasses, mapOverAllClasses, evaluatedAt);
  }

  /** What was evaluated in model mode (the export of {@code trainDir}), and when. */
  static ObjectNode modelContext(String evalDataPattern, String trainDir, ModelVersion version,
      String model, int topK, int numClasses, boolean mapOverAllClasses, String evaluatedAt) {
    ObjectNode context = JSON.createObjectNode();
    context.put("eval_data_pattern", evalDataPattern);
    context.put("train_dir", trainDir);
    context.put("model_version", version.name());
    context.put("global_step", version.step());
    context.put("model", model);
    return common(context, topK, numClasses, mapOverAllClasses, evaluatedAt);
  }

  private static ObjectNode common(ObjectNode context, int topK, int numClasses,
      boolean mapOverAllClasses, String evaluatedAt) {
    context.put("top_k", topK);
    context.put("num_classes", numClasses);
    context.put("map_over_all_classes", mapOverAllClasses);
    context.put("evaluated_at", evaluatedAt);
    return context;
  }

  /**
   * metrics.json: the figures ({@code loss} null when scoring a file), then the context, then
   * the counts {@code countNames} names.
   */
  static ObjectNode metricsJson(EvaluationMetrics metrics, Double loss, ObjectNode context,
      Map<String, Long> counts, String[] countNames) {
    ObjectNode json = JSON.createObjectNode();
    json.put("examples", metrics.examples());
    json.put("hit_at_one", metrics.hitAtOne());
    json.put("perr", metrics.perr());
    json.put("gap", metrics.gap());
    json.put("map", metrics.map());
    json.put("num_classes_with_positives", metrics.numClassesWithPositives());
    if (loss == null) {
      json.putNull("loss");
    } else {
      json.put("loss", loss);
    }
    json.setAll(context);
    for (String name : countNames) {
      json.put(name, counts.getOrDefault(name, 0L));
    }
    return json;
  }

  /**
   * per_class_ap.csv: {@code class,ap,positives,predictions} for every class evaluated (with a
   * positive; segment mode: every submitted class).
   */
  static String perClassCsv(List<ClassAp> perClass) {
    return perClassCsv(perClass, null);
  }

  /**
   * per_class_ap.csv, with {@code vocabulary}: {@code class,name,vertical,ap,positives,
   * predictions} (names and verticals quoted as CSV needs).
   */
  static String perClassCsv(List<ClassAp> perClass, @Nullable Vocabulary vocabulary) {
    StringBuilder csv = new StringBuilder(vocabulary == null ? "class,ap,positives,predictions\n"
        : "class,name,vertical,ap,positives,predictions\n");
    for (ClassAp classAp : perClass) {
      csv.append(classAp.classId()).append(',');
      if (vocabulary != null) {
        csv.append(CsvField.escape(vocabulary.name(classAp.classId()))).append(',')
            .append(CsvField.escape(vocabulary.vertical(classAp.classId()))).append(',');
      }
      csv.append(classAp.ap()).append(',').append(classAp.positives()).append(',')
          .append(classAp.predictions()).append('\n');
    }
    return csv.toString();
  }

  /** A vertical's classes evaluated, their mean AP and their positives. */
  record VerticalAp(String vertical, int classes, double meanAp, long positives) {}

  /**
   * AP per vertical ({@code Vertical1}): the mean AP of the vertical's classes that were
   * evaluated, by descending mean AP.
   */
  static List<VerticalAp> apPerVertical(List<ClassAp> perClass, Vocabulary vocabulary) {
    Map<String, List<ClassAp>> byVertical = perClass.stream().collect(Collectors.groupingBy(
        classAp -> vocabulary.vertical(classAp.classId()), TreeMap::new, Collectors.toList()));
    List<VerticalAp> verticals = new ArrayList<>();
    byVertical.forEach((vertical, classes) -> verticals.add(new VerticalAp(vertical,
        classes.size(), classes.stream().mapToDouble(ClassAp::ap).average().orElse(0),
        classes.stream().mapToLong(ClassAp::positives).sum())));
    verticals.sort(Comparator.comparingDouble(VerticalAp::meanAp).reversed());
    return verticals;
  }

  /** What was evaluated in segment mode, and when. */
  static ObjectNode segmentContext(String evalDataPattern, String submission,
      String evaluatedAt) {
    ObjectNode context = JSON.createObjectNode();
    context.put("eval_data_pattern", evalDataPattern);
    context.put("predictions", submission);
    context.put("segment_labels", true);
    context.put("evaluated_at", evaluatedAt);
    return context;
  }

  /** metrics.json of segment mode. */
  static ObjectNode segmentMetricsJson(SegmentMetrics metrics, ObjectNode context,
      Map<String, Long> counts, DeadLetterStats malformed) {
    ObjectNode json = JSON.createObjectNode();
    json.put("num_classes", metrics.numClasses());
    json.put("map", metrics.map());
    json.put("top_n", metrics.topN());
    json.put("rated_cells", metrics.ratedCells());
    json.put("classes_without_rated_positives", metrics.classesWithoutRatedPositives());
    json.setAll(context);
    json.put("malformed_lines", counts.getOrDefault("malformed_lines", 0L));
    json.put("invalid_records", counts.getOrDefault("invalid_records", 0L));
    putMalformed(json, malformed);
    return json;
  }

  /**
   * metrics.json's account of the malformed lines: {@code malformed} (reason to count) and
   * {@code malformed_examples}, the first {@value #MALFORMED_EXAMPLES} by file and line (file,
   * line, id, reason, message).
   */
  static void putMalformed(ObjectNode json, DeadLetterStats malformed) {
    ObjectNode byReason = json.putObject("malformed");
    malformed.counts().forEach(byReason::put);
    ArrayNode examples = json.putArray("malformed_examples");
    for (DeadLetter letter : firstMalformed(malformed)) {
      ObjectNode example = examples.addObject();
      example.put("file", letter.source());
      example.put("line", letter.position());
      example.put("id", letter.recordId());
      example.put("reason", letter.reason());
      example.put("message", letter.message());
    }
  }

  /** The first malformed lines, by file and line. */
  private static List<DeadLetter> firstMalformed(DeadLetterStats malformed) {
    return malformed.examples().values().stream().flatMap(List::stream)
        .sorted(DeadLetter.BY_PLACE).limit(MALFORMED_EXAMPLES).toList();
  }

  /**
   * The first malformed lines of metrics.json, one each: {@code file line 5 (id x): reason:
   * message}; none when it has none.
   */
  static List<String> malformedExamples(JsonNode metrics) {
    List<String> lines = new ArrayList<>();
    for (JsonNode example : metrics.path("malformed_examples")) {
      long line = example.get("line").asLong();
      lines.add(new DeadLetter(example.get("file").asText(), line, "line " + line,
          example.get("id").isNull() ? null : example.get("id").asText(),
          example.get("reason").asText(), example.get("message").asText()).toString());
    }
    return lines;
  }

  /**
   * Why an evaluation that evaluated nothing failed: no labelled video (model mode), or no
   * predictions line for a labelled video (file mode: {@code malformed} is not null), with the
   * counts that say why.
   */
  static String nothingEvaluated(long examples, Map<String, Long> counts,
      @Nullable DeadLetterStats malformed) {
    long unlabelled = counts.getOrDefault("unlabelled_videos", 0L);
    long invalid = counts.getOrDefault("invalid_records", 0L);
    String shards = String.format(Locale.ROOT, "the shards hold %d labelled videos, %d "
        + "unlabelled, %d invalid records", examples, unlabelled, invalid);
    if (malformed == null) {
      return "evaluated nothing: no labelled video to score (" + shards + ")";
    }
    long unknown = counts.getOrDefault("unknown_videos", 0L);
    long duplicates = counts.getOrDefault("duplicate_prediction_lines", 0L);
    long lines = malformed.total() + unknown + duplicates;
    String predictions = lines == 0 ? "the predictions have no data lines (an empty file, or a "
        + "header only)"
        : String.format(Locale.ROOT, "of %d predictions lines, %d are for videos the shards do "
            + "not have, %d repeat a video, %d are malformed", lines, unknown, duplicates,
            malformed.total()) + firstMalformedText(malformed);
    return "evaluated nothing: no predictions line is for a labelled video of the shards ("
        + shards + "); " + predictions;
  }

  /** Why a segment evaluation that scored no class failed. */
  static String nothingSubmitted(DeadLetterStats malformed) {
    return "evaluated nothing: the submission has no valid line (" + malformed.total()
        + " malformed)" + firstMalformedText(malformed);
  }

  /** The first malformed lines, each on a line of its own after a colon; "" for none. */
  private static String firstMalformedText(DeadLetterStats malformed) {
    return firstMalformed(malformed).stream().map(DeadLetter::toString)
        .collect(Collectors.joining("\n  ", malformed.total() == 0 ? "" : ":\n  ", ""));
  }

  /** The segment script's closing line, from metrics.json. */
  static String segmentSummaryLine(JsonNode metrics) {
    return String.format(Locale.ROOT, "Num classes: %d | mAP@%d: %.6f",
        metrics.get("num_classes").asInt(), metrics.get("top_n").asInt(),
        metrics.get("map").asDouble());
  }

  /** eval.py's closing line, from metrics.json (with the mean loss when there is one). */
  static String summaryLine(JsonNode metrics) {
    String line = String.format(Locale.ROOT,
        "examples: %d | Hit@1: %.6f | PERR: %.6f | MAP: %.6f | GAP: %.6f",
        metrics.get("examples").asLong(), metrics.get("hit_at_one").asDouble(),
        metrics.get("perr").asDouble(), metrics.get("map").asDouble(),
        metrics.get("gap").asDouble());
    return metrics.hasNonNull("loss")
        ? line + String.format(Locale.ROOT, " | loss: %.6f", metrics.get("loss").asDouble())
        : line;
  }
}
