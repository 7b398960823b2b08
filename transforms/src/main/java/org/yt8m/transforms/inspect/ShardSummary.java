package org.yt8m.transforms.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a set of shards holds: the statistics of its valid records and of its dead letters,
 * rendered as JSON (snake_case keys, as the starter code's metric names) or as text for people.
 */
public record ShardSummary(RecordStats records, DeadLetterStats deadLetters) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The summary as a JSON object: {@code records}, {@code records_with_labels}, {@code labels},
   * {@code labels_per_video}, {@code max_labels_per_video}, {@code distinct_classes},
   * {@code min_label}, {@code max_label} (null without labels), {@code invalid} (reason to
   * count), {@code invalid_examples}, and for frame-level input {@code frames},
   * {@code min_frames}, {@code max_frames}.
   */
  public ObjectNode toJson(boolean frameLevel) {
    ObjectNode json = JSON.createObjectNode();
    json.put("records", records.records());
    json.put("records_with_labels", records.recordsWithLabels());
    json.put("labels", records.labels());
    json.put("labels_per_video", records.labelsPerLabelledVideo());
    json.put("max_labels_per_video", records.maxLabelsPerVideo());
    json.put("distinct_classes", records.distinctClasses());
    putLabel(json, "min_label", records.minLabel());
    putLabel(json, "max_label", records.maxLabel());
    if (frameLevel) {
      json.put("frames", records.frames());
      json.put("min_frames", records.minFrames());
      json.put("max_frames", records.maxFrames());
    }
    ObjectNode invalid = json.putObject("invalid");
    deadLetters.counts().forEach(invalid::put);
    ObjectNode examples = json.putObject("invalid_examples");
    deadLetters.examples().forEach((reason, letters) -> {
      ArrayNode list = examples.putArray(reason);
      letters.forEach(letter -> {
        ObjectNode example = list.addObject();
        example.put("file", letter.source());
        example.put("record", letter.position());
        example.put("id", letter.recordId());
        example.put("message", letter.message());
      });
    });
    return json;
  }

  /** The summary as lines for a terminal. */
  public String toText(boolean frameLevel) {
    StringBuilder text = new StringBuilder();
    line(text, "records", String.format(Locale.ROOT, "%,d valid, %,d invalid",
        records.records(), deadLetters.total()));
    line(text, "with labels", String.format(Locale.ROOT, "%,d (%,d labels, %.2f per labelled "
            + "video, at most %d)", records.recordsWithLabels(), records.labels(),
        records.labelsPerLabelledVideo(), records.maxLabelsPerVideo()));
    line(text, "classes", records.maxLabel() < 0 ? "none (no labels)"
        : String.format(Locale.ROOT, "%,d distinct, labels in [%d, %d]",
            records.distinctClasses(), records.minLabel(), records.maxLabel()));
    if (frameLevel) {
      line(text, "frames", String.format(Locale.ROOT, "%,d kept, %.1f per video, in [%d, %d]",
          records.frames(), records.records() == 0 ? 0.0
              : (double) records.frames() / records.records(),
          records.minFrames(), records.maxFrames()));
    }
    if (deadLetters.total() == 0) {
      line(text, "invalid", "none");
    }
    for (Map.Entry<String, Long> entry : deadLetters.counts().entrySet()) {
      line(text, "invalid", String.format(Locale.ROOT, "%s: %,d", entry.getKey(),
          entry.getValue()));
      List<?> letters = deadLetters.examples().getOrDefault(entry.getKey(), List.of());
      letters.forEach(letter -> text.append("      e.g. ").append(letter).append('\n'));
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "  %-12s %s%n", label + ":", value));
  }

  private static void putLabel(ObjectNode json, String key, int label) {
    if (label < 0) {
      json.putNull(key);
    } else {
      json.put(key, label);
    }
  }
}
