package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;

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

  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationReport() {}

  /** What was evaluated, and when. */
  static ObjectNode context(String evalDataPattern, String predictions, int topK,
      int numClasses, boolean mapOverAllClasses, String evaluatedAt) {
    ObjectNode context = JSON.createObjectNode();
    context.put("eval_data_pattern", evalDataPattern);
    context.put("predictions", predictions);
    context.put("top_k", topK);
    context.put("num_classes", numClasses);
    context.put("map_over_all_classes", mapOverAllClasses);
    context.put("evaluated_at", evaluatedAt);
    return context;
  }

  /** metrics.json: the figures, then the context, then the counts of file mode. */
  static ObjectNode metricsJson(EvaluationMetrics metrics, ObjectNode context,
      Map<String, Long> counts) {
    ObjectNode json = JSON.createObjectNode();
    json.put("examples", metrics.examples());
    json.put("hit_at_one", metrics.hitAtOne());
    json.put("perr", metrics.perr());
    json.put("gap", metrics.gap());
    json.put("map", metrics.map());
    json.put("num_classes_with_positives", metrics.numClassesWithPositives());
    json.putNull("loss");
    json.setAll(context);
    for (String name : FILE_MODE_COUNTS) {
      json.put(name, counts.getOrDefault(name, 0L));
    }
    return json;
  }

  /** per_class_ap.csv: {@code class,ap,positives,predictions} for every class with a positive. */
  static String perClassCsv(EvaluationMetrics metrics) {
    StringBuilder csv = new StringBuilder("class,ap,positives,predictions\n");
    for (ClassAp classAp : metrics.perClass()) {
      csv.append(classAp.classId()).append(',').append(classAp.ap()).append(',')
          .append(classAp.positives()).append(',').append(classAp.predictions()).append('\n');
    }
    return csv.toString();
  }

  /** eval.py's closing line, from metrics.json. */
  static String summaryLine(JsonNode metrics) {
    return String.format(Locale.ROOT,
        "examples: %d | Hit@1: %.6f | PERR: %.6f | MAP: %.6f | GAP: %.6f",
        metrics.get("examples").asLong(), metrics.get("hit_at_one").asDouble(),
        metrics.get("perr").asDouble(), metrics.get("map").asDouble(),
        metrics.get("gap").asDouble());
  }
}
