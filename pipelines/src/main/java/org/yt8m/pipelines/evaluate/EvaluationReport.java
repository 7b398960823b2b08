package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.SegmentMetrics;

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
      "malformed_lines", "unlabelled_videos", "duplicate_shard_videos", "invalid_records"};
  /** The readers' counts that model mode reports, zero when absent. */
  static final String[] MODEL_MODE_COUNTS = {"unlabelled_videos", "invalid_records"};

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
    StringBuilder csv = new StringBuilder("class,ap,positives,predictions\n");
    for (ClassAp classAp : perClass) {
      csv.append(classAp.classId()).append(',').append(classAp.ap()).append(',')
          .append(classAp.positives()).append(',').append(classAp.predictions()).append('\n');
    }
    return csv.toString();
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
      Map<String, Long> counts) {
    ObjectNode json = JSON.createObjectNode();
    json.put("num_classes", metrics.numClasses());
    json.put("map", metrics.map());
    json.put("top_n", metrics.topN());
    json.put("rated_cells", metrics.ratedCells());
    json.put("classes_without_rated_positives", metrics.classesWithoutRatedPositives());
    json.setAll(context);
    json.put("malformed_lines", counts.getOrDefault("malformed_lines", 0L));
    json.put("invalid_records", counts.getOrDefault("invalid_records", 0L));
    return json;
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
