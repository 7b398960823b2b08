package org.yt8m.pipelines.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.transforms.inspect.DeadLetterStats;
import org.yt8m.transforms.shuffle.ShuffleIntoShards;

/**
 * {@code manifest.json}, written beside the prepared shards when they are committed: what they
 * hold and how they were made (snake_case keys; the reader flags in the starter's flag form, as
 * {@code model_flags.json} has them), and the one-line summary {@code yt8m prepare} prints.
 * {@link ShuffleIntoShards} adds the shards' own keys and the files' sizes and checksums.
 */
public final class PrepareManifest {
  public static final String FILE = ShuffleIntoShards.MANIFEST;

  private static final ObjectMapper JSON = new ObjectMapper();

  private PrepareManifest() {}

  /** What was read, and how it was shuffled. */
  static ObjectNode context(String pattern, FeatureSpec features, boolean frameLevel,
      int numClasses, int maxFrames, long seed) {
    ObjectNode context = JSON.createObjectNode();
    context.put("input_pattern", pattern);
    context.put("frame_features", frameLevel);
    context.put("feature_names", features.namesFlag());
    context.put("feature_sizes", features.sizesFlag());
    context.put("num_classes", numClasses);
    if (frameLevel) {
      context.put("max_frames", maxFrames);
    }
    context.put("seed", seed);
    return context;
  }

  /**
   * The manifest's fields ahead of the shards' ({@code records}, {@code num_shards},
   * {@code shards}, {@code records_per_shard}, then the files): the context's keys,
   * {@code invalid_records} (left out), and the dead letters' {@code invalid} (reason to count)
   * and {@code invalid_examples}.
   */
  static ObjectNode fields(ObjectNode context, DeadLetterStats deadLetters) {
    ObjectNode json = context.deepCopy();
    json.put("invalid_records", deadLetters.total());
    json.setAll(deadLetters.toJson());
    return json;
  }

  /**
   * The records in the shards {@code shardNames} (file names in the manifest's directory)
   * according to {@code manifest}, or 0 when one of them is not a shard it lists.
   */
  public static long recordsIn(JsonNode manifest, Collection<String> shardNames) {
    JsonNode names = manifest.path("shards");
    JsonNode sizes = manifest.path("records_per_shard");
    Map<String, Long> records = new HashMap<>();
    for (int i = 0; i < names.size() && i < sizes.size(); i++) {
      records.put(names.get(i).asText(), sizes.get(i).asLong());
    }
    long total = 0;
    for (String name : shardNames) {
      Long count = records.get(name);
      if (count == null) {
        return 0;
      }
      total += count;
    }
    return total;
  }

  /** One line: what was written where, and what was left out. */
  static String summaryLine(JsonNode manifest, String outputDir) {
    long fewest = Long.MAX_VALUE;
    long most = 0;
    for (JsonNode size : manifest.get("records_per_shard")) {
      fewest = Math.min(fewest, size.asLong());
      most = Math.max(most, size.asLong());
    }
    JsonNode shards = manifest.get("shards");
    String files = shards.size() == 1 ? shards.get(0).asText()
        : shards.get(0).asText() + " ... " + shards.get(shards.size() - 1).asText();
    StringBuilder invalid = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.get("invalid").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> reason = it.next();
      invalid.append(invalid.length() == 0 ? " (" : ", ").append(reason.getKey()).append(' ')
          .append(String.format(Locale.ROOT, "%,d", reason.getValue().asLong()));
    }
    long left = manifest.get("invalid_records").asLong();
    return String.format(Locale.ROOT, "prepared %,d %s records in %d shard%s of %s records "
            + "(seed %d) in %s: %s, %s; invalid records left out: %s",
        manifest.get("records").asLong(),
        manifest.get("frame_features").asBoolean() ? "frame-level" : "video-level",
        shards.size(), shards.size() == 1 ? "" : "s",
        fewest == most ? String.format(Locale.ROOT, "%,d", most)
            : String.format(Locale.ROOT, "%,d to %,d", fewest, most),
        manifest.get("seed").asLong(), outputDir, files, FILE,
        left == 0 ? "none" : String.format(Locale.ROOT, "%,d", left) + invalid + ")");
  }
}
