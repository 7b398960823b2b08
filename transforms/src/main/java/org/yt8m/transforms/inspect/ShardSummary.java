package org.yt8m.transforms.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a set of shards holds: the statistics of its valid records and of its dead letters,
 * rendered as JSON with snake_case keys, as the starter code's metric names are.
 */
public record ShardSummary(RecordStats records, DeadLetterStats deadLetters) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The summary as a JSON object: {@code records}, {@code records_with_labels}, {@code labels},
   * {@code labels_per_video}, {@code max_labels_per_video}, {@code distinct_classes},
   * {@code min_label}, {@code max_label} (null without labels), {@code invalid} (reason to
   * count), {@code invalid_examples}, and for frame-level input {@code frames},
   * {@code min_frames_per_video}, {@code max_frames_per_video}.
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
      json.put("min_frames_per_video", records.minFrames());
      json.put("max_frames_per_video", records.maxFrames());
    }
    json.setAll(deadLetters.toJson());
    return json;
  }

  private static void putLabel(ObjectNode json, String key, int label) {
    if (label < 0) {
      json.putNull(key);
    } else {
      json.put(key, label);
    }
  }
}
