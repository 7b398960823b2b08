package org.yt8m.model.nn;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The models {@code --model} names: the starter code's five, and the cluster-pooling models
 * that won the YouTube-8M challenges (NetVLAD in 2017, NeXtVLAD in 2018).
 */
public enum Models {
  LOGISTIC("LogisticModel", false),
  MOE("MoeModel", false),
  FRAME_LEVEL_LOGISTIC("FrameLevelLogisticModel", true),
  DBOF("DbofModel", true),
  LSTM("LstmModel", true),
  NETVLAD("NetVladModel", true),
  NEXTVLAD("NeXtVladModel", true);

  private final String starterName;
  private final boolean frameLevel;

  Models(String starterName, boolean frameLevel) {
    this.starterName = starterName;
    this.frameLevel = frameLevel;
  }

  /** The model {@code --model=NAME} names, or an error that lists the names. */
  public static Models byName(String name) {
    return Arrays.stream(values()).filter(m -> m.starterName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown model " + name
            + "; the models are " + names()));
  }

  /** The names, comma-separated, for messages and help. */
  public static String names() {
    return Arrays.stream(values()).map(Models::starterName).collect(Collectors.joining(", "));
  }

  public String starterName() {
    return starterName;
  }

  /** True when the model reads frame-level features ({@code [B, T, F]} and num_frames). */
  public boolean frameLevel() {
    return frameLevel;
  }

  /** The model's forward function with {@code config}'s sizes. */
  public VideoModel create(ModelConfig config) {
    return switch (this) {
      case LOGISTIC -> new LogisticModel("");
      case MOE -> new MoeModel("", config.moeNumMixtures(), config.moeGating());
      case FRAME_LEVEL_LOGISTIC -> new FrameLevelLogisticModel();
      case DBOF -> new DbofModel(config, classifier(config));
      case LSTM -> new LstmModel(config, classifier(config));
      case NETVLAD -> new NetVladModel(config.netVlad(), config.featureSizes(),
          classifier(config));
      case NEXTVLAD -> new NeXtVladModel(config.nextVlad(), config.featureSizes(),
          classifier(config));
    };
  }

  /** The video-level model a frame-level one ends with, its variables prefixed apart. */
  private static VideoModel classifier(ModelConfig config) {
    return switch (byName(config.videoLevelClassifierModel())) {
      case LOGISTIC -> new LogisticModel("classifier_");
      case MOE -> new MoeModel("classifier_", config.moeNumMixtures(), config.moeGating());
      default -> throw new IllegalArgumentException("videoLevelClassifierModel must be "
          + "LogisticModel or MoeModel, got " + config.videoLevelClassifierModel());
    };
  }
}
