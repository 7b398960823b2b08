package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.record.FeatureSpec;

/** model_flags.json and the cluster-pooling models' keys: old files, resumes, bad values. */
class ModelFlagsTest {
  private static final String STARTER_KEYS = "{\"model\": \"NetVladModel\", "
      + "\"feature_names\": \"rgb,audio\", \"feature_sizes\": \"1024,128\", "
      + "\"frame_features\": true, \"label_loss\": \"CrossEntropyLoss\", \"num_classes\": 3862";

  @Test
  void aFileWithoutTheNewKeysLoadsWithTheirDefaults() {
    ModelFlags flags = ModelFlags.fromJson(STARTER_KEYS + "}", "old/model_flags.json");
    assertEquals(ModelConfig.DEFAULTS.withFeatureSizes(List.of(1024, 128)), flags.config());
    assertEquals(ModelConfig.NetVlad.DEFAULTS, flags.config().netVlad());
    assertEquals(ModelConfig.NeXtVlad.DEFAULTS, flags.config().nextVlad());
  }

  @Test
  void theNewKeysRoundTrip() {
    ModelFlags flags = new ModelFlags("NeXtVladModel", FeatureSpec.parse("rgb", "1024"), true,
        "CrossEntropyLoss", 3862, ModelConfig.DEFAULTS.withMoeGating(true)
            .withNetVlad(new ModelConfig.NetVlad(32, 256, false, true))
            .withNextVlad(new ModelConfig.NeXtVlad(16, 512, 3, 4, 0.25f, 4)));
    assertEquals(flags, ModelFlags.fromJson(flags.toJson(RunId.LEGACY), "model_flags.json"));
  }

  @Test
  void aResumeWithOtherClusterSizesIsADifference() {
    ModelFlags recorded = ModelFlags.fromJson(STARTER_KEYS + ", \"netvlad_cluster_size\": 32, "
        + "\"nextvlad_dropout\": 0.25}", "trainDir/model_flags.json");
    ModelFlags now = new ModelFlags("NetVladModel", recorded.features(), true,
        "CrossEntropyLoss", 3862, ModelConfig.DEFAULTS);
    assertEquals(List.of("netvlad_cluster_size: recorded 32, now 64",
        "nextvlad_dropout: recorded 0.25, now 0.5"), now.differencesFrom(recorded));
  }

  @Test
  void aMistypedValueNamesTheFileAndTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFlags.fromJson(STARTER_KEYS + ", \"nextvlad_dropout\": \"half\"}",
            "run/model_flags.json"));
    assertEquals("run/model_flags.json: \"nextvlad_dropout\" must be a number, got \"half\"",
        e.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> ModelFlags.fromJson(STARTER_KEYS + ", \"nextvlad_dropout\": 1.5}",
            "run/model_flags.json"));
    assertEquals("run/model_flags.json: nextvladDropout must be in [0, 1), got 1.5",
        range.getMessage());
  }
}
