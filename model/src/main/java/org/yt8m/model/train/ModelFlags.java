package org.yt8m.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;

/**
 * {@code model_flags.json}: the flags that decide a model's graph, written by the trainer in
 * {@code trainDir} and in every export, read by evaluation and inference for the features,
 * the frame mode and the classes. The starter's keys ({@code model, feature_names,
 * feature_sizes, frame_features, label_loss}) plus {@code num_classes} and the model's own
 * sizes, because a resumed run rebuilds the graph from them, and the {@link RunId}.
 */
public record ModelFlags(String model, FeatureSpec features, boolean frameFeatures,
    String labelLoss, int numClasses, ModelConfig config) {

  public static final String FILE_NAME = "model_flags.json";
  /** The key of the trainable parameters' count in the trainer's copy. */
  public static final String PARAMETER_COUNT = "parameter_count";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code config} takes the features' sizes, which the cluster-pooling models split by. */
  public ModelFlags {
    config = config.withFeatureSizes(features.sizes());
    LabelLoss.byName(labelLoss);
    Models kind = Models.byName(model);
    if (kind.frameLevel() != frameFeatures) {
      throw new IllegalArgumentException(model + " is a "
          + (kind.frameLevel() ? "frame-level" : "video-level") + " model: it needs "
          + (kind.frameLevel() ? "--frameFeatures" : "video-level features (no "
          + "--frameFeatures)"));
    }
  }

  public Models modelKind() {
    return Models.byName(model);
  }

  /** Every flag by its starter (snake_case) name, in a fixed order. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("model", model);
    map.put("feature_names", features.namesFlag());
    map.put("feature_sizes", features.sizesFlag());
    map.put("frame_features", frameFeatures);
    map.put("label_loss", labelLoss);
    map.put("num_classes", numClasses);
    map.put("moe_num_mixtures", config.moeNumMixtures());
    map.put("iterations", config.iterations());
    map.put("dbof_add_batch_norm", config.dbofAddBatchNorm());
    map.put("sample_random_frames", config.sampleRandomFrames());
    map.put("dbof_cluster_size", config.dbofClusterSize());
    map.put("dbof_hidden_size", config.dbofHiddenSize());
    map.put("dbof_pooling_method", config.dbofPoolingMethod());
    map.put("dbof_activation", config.dbofActivation());
    map.put("video_level_classifier_model", config.videoLevelClassifierModel());
    map.put("lstm_cells", config.lstmCells());
    map.put("lstm_layers", config.lstmLayers());
    map.put("max_frames", config.maxFrames());
    map.put("moe_gating", config.moeGating());
    ModelConfig.NetVlad netVlad = config.netVlad();
    map.put("netvlad_cluster_size", netVlad.clusterSize());
    map.put("netvlad_hidden_size", netVlad.hiddenSize());
    map.put("netvlad_add_batch_norm", netVlad.addBatchNorm());
    map.put("gating", netVlad.gating());
    ModelConfig.NeXtVlad nextVlad = config.nextVlad();
    map.put("nextvlad_cluster_size", nextVlad.clusterSize());
    map.put("nextvlad_hidden_size", nextVlad.hiddenSize());
    map.put("nextvlad_expansion", nextVlad.expansion());
    map.put("nextvlad_groups", nextVlad.groups());
    map.put("nextvlad_dropout", nextVlad.dropout());
    map.put("nextvlad_gating_reduction", nextVlad.gatingReduction());
    return map;
  }

  /** The file's text: every flag, then the training run ({@link RunId#KEY}) they belong to. */
  public String toJson(RunId run) {
    Map<String, Object> map = asMap();
    map.put(RunId.KEY, run.value());
    return write(map);
  }

  /**
   * The trainer's copy in {@code trainDir}: {@link #toJson(RunId)} and the model's size,
   * {@value #PARAMETER_COUNT} (informative: not a flag, not compared on resume).
   */
  public String toJson(RunId run, long parameterCount) {
    Map<String, Object> map = asMap();
    map.put(RunId.KEY, run.value());
    map.put(PARAMETER_COUNT, parameterCount);
    return write(map);
  }

  private static String write(Map<String, Object> map) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(map) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses {@code json} read from {@code source}; a missing or mistyped key is an error that
   * names the file and the key. Model sizes absent from an older or starter-written file take
   * the starter's defaults.
   */
  public static ModelFlags fromJson(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    Fields fields = new Fields((ObjectNode) root, source);
    ModelConfig d = ModelConfig.DEFAULTS;
    ModelConfig.NetVlad dv = ModelConfig.NetVlad.DEFAULTS;
    ModelConfig.NeXtVlad dn = ModelConfig.NeXtVlad.DEFAULTS;
    try {
      return new ModelFlags(fields.text("model", null),
          FeatureSpec.parse(fields.text("feature_names", null),
              fields.text("feature_sizes", null)),
          fields.bool("frame_features", null), fields.text("label_loss", "CrossEntropyLoss"),
          fields.integer("num_classes", null),
          new ModelConfig(fields.integer("moe_num_mixtures", d.moeNumMixtures()),
              fields.integer("iterations", d.iterations()),
              fields.bool("dbof_add_batch_norm", d.dbofAddBatchNorm()),
              fields.bool("sample_random_frames", d.sampleRandomFrames()),
              fields.integer("dbof_cluster_size", d.dbofClusterSize()),
              fields.integer("dbof_hidden_size", d.dbofHiddenSize()),
              fields.text("dbof_pooling_method", d.dbofPoolingMethod()),
              fields.text("dbof_activation", d.dbofActivation()),
              fields.text("video_level_classifier_model", d.videoLevelClassifierModel()),
              fields.integer("lstm_cells", d.lstmCells()),
              fields.integer("lstm_layers", d.lstmLayers()),
              fields.integer("max_frames", d.maxFrames()),
              fields.bool("moe_gating", d.moeGating()),
              new ModelConfig.NetVlad(
                  fields.integer("netvlad_cluster_size", dv.clusterSize()),
                  fields.integer("netvlad_hidden_size", dv.hiddenSize()),
                  fields.bool("netvlad_add_batch_norm", dv.addBatchNorm()),
                  fields.bool("gating", dv.gating())),
              new ModelConfig.NeXtVlad(
                  fields.integer("nextvlad_cluster_size", dn.clusterSize()),
                  fields.integer("nextvlad_hidden_size", dn.hiddenSize()),
                  fields.integer("nextvlad_expansion", dn.expansion()),
                  fields.integer("nextvlad_groups", dn.groups()),
                  fields.decimal("nextvlad_dropout", dn.dropout()),
                  fields.integer("nextvlad_gating_reduction", dn.gatingReduction())),
              List.of()));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(source)) {
        throw e;
      }
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The flags whose values differ from {@code recorded}'s, as {@code name: recorded X, now Y};
   * empty when this run may continue a model trained with {@code recorded}.
   */
  public List<String> differencesFrom(ModelFlags recorded) {
    List<String> differences = new ArrayList<>();
    Map<String, Object> now = asMap();
    recorded.asMap().forEach((name, value) -> {
      if (!Objects.equals(value, now.get(name))) {
        differences.add(name + ": recorded " + value + ", now " + now.get(name));
      }
    });
    return differences;
  }

  /** Typed reads of one JSON object with errors that name the file and the key. */
  private record Fields(ObjectNode node, String source) {
    String text(String key, String fallback) {
      JsonNode value = present(key, fallback != null);
      if (value == null) {
        return fallback;
      }
      if (!value.isTextual()) {
        throw wrongType(key, "a string", value);
      }
      return value.asText();
    }

    boolean bool(String key, Boolean fallback) {
      JsonNode value = present(key, fallback != null);
      if (value == null) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw wrongType(key, "true or false", value);
      }
      return value.asBoolean();
    }

    int integer(String key, Integer fallback) {
      JsonNode value = present(key, fallback != null);
      if (value == null) {
        return fallback;
      }
      if (!value.canConvertToInt() || !value.isIntegralNumber()) {
        throw wrongType(key, "an integer", value);
      }
      return value.asInt();
    }

    float decimal(String key, Float fallback) {
      JsonNode value = present(key, fallback != null);
      if (value == null) {
        return fallback;
      }
      if (!value.isNumber()) {
        throw wrongType(key, "a number", value);
      }
      return value.floatValue();
    }

    private JsonNode present(String key, boolean optional) {
      JsonNode value = node.get(key);
      if ((value == null || value.isNull()) && !optional) {
        throw new IllegalArgumentException(source + ": missing \"" + key + "\"");
      }
      return value == null || value.isNull() ? null : value;
    }

    private IllegalArgumentException wrongType(String key, String expected, JsonNode value) {
      return new IllegalArgumentException(source + ": \"" + key + "\" must be " + expected
          + ", got " + value);
    }
  }
}
