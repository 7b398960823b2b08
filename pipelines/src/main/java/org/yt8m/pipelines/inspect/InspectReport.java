package org.yt8m.pipelines.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.transforms.inspect.ShardSummary;

/**
 * The inspect report: what was read and how (the context), the shards' summary, and its
 * rendering for a terminal. The JSON file is the report; the text is rendered from it, so the
 * two never disagree.
 */
final class InspectReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InspectReport() {}

  /** What was read, and how. */
  static ObjectNode context(String pattern, FeatureSpec features, boolean frameLevel,
      int numClasses, int maxFrames) {
    ObjectNode context = JSON.createObjectNode();
    context.put("input_pattern", pattern);
    context.put("frame_features", frameLevel);
    ObjectNode sizes = context.putObject("features");
    for (int i = 0; i < features.count(); i++) {
      sizes.put(features.names().get(i), features.sizes().get(i));
    }
    context.put("num_classes", numClasses);
    if (frameLevel) {
      context.put("max_frames", maxFrames);
    }
    return context;
  }

  /** The report: the context's keys, then the summary's. */
  static ObjectNode json(ObjectNode context, ShardSummary summary, boolean frameLevel) {
    ObjectNode report = context.deepCopy();
    report.setAll(summary.toJson(frameLevel));
    return report;
  }

  /** The report as lines for a terminal. */
  static String toText(JsonNode report) {
    StringBuilder text = new StringBuilder();
    long valid = report.get("records").asLong();
    long invalid = 0;
    for (JsonNode count : report.get("invalid")) {
      invalid += count.asLong();
    }
    line(text, "shards", report.get("input_pattern").asText()
        + (report.get("frame_features").asBoolean() ? " (frame-level)" : " (video-level)"));
    line(text, "records", String.format(Locale.ROOT, "%,d valid, %,d invalid", valid, invalid));
    line(text, "labelled", String.format(Locale.ROOT,
        "%,d videos, %,d labels (%.2f per labelled video, at most %d)",
        report.get("records_with_labels").asLong(), report.get("labels").asLong(),
        report.get("labels_per_video").asDouble(), report.get("max_labels_per_video").asInt()));
    line(text, "classes", report.get("max_label").isNull() ? "none (no labels)"
        : String.format(Locale.ROOT, "%,d distinct, labels in [%d, %d] of [0, %d)",
            report.get("distinct_classes").asInt(), report.get("min_label").asInt(),
            report.get("max_label").asInt(), report.get("num_classes").asInt()));
    StringBuilder features = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = report.get("features").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> feature = it.next();
      features.append(features.length() == 0 ? "" : ", ").append(feature.getKey()).append(" [")
          .append(feature.getValue().asInt()).append(']');
    }
    line(text, "features", features + (valid > 0 ? ": every valid record has these sizes" : ""));
    if (report.get("frame_features").asBoolean()) {
      long frames = report.get("frames").asLong();
      line(text, "frames", String.format(Locale.ROOT,
          "%,d kept (at most %d per video), %.1f per video, in [%d, %d]", frames,
          report.get("max_frames").asInt(), valid == 0 ? 0.0 : (double) frames / valid,
          report.get("min_frames_per_video").asInt(),
          report.get("max_frames_per_video").asInt()));
    }
    if (invalid == 0) {
      line(text, "invalid", "none");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = report.get("invalid").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> reason = it.next();
      line(text, "invalid", String.format(Locale.ROOT, "%s: %,d", reason.getKey(),
          reason.getValue().asLong()));
      for (JsonNode example : report.get("invalid_examples").path(reason.getKey())) {
        text.append(String.format(Locale.ROOT, "      e.g. %s record %d%s: %s%n",
            example.get("file").asText(), example.get("record").asLong(),
            example.get("id").isNull() ? "" : " (id " + example.get("id").asText() + ")",
            example.get("message").asText()));
      }
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "  %-10s %s%n", label + ":", value));
  }
}
