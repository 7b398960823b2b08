package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Locale;

/**
 * The flags that shape a model's graph (the starter's model flags, reference §3), with the
 * starter's defaults. A resumed run must use the same values: the variables' shapes depend on
 * them.
 *
 * @param moeNumMixtures experts per class of MoeModel
 * @param iterations frames DbofModel samples per video
 * @param dbofAddBatchNorm batch norm in DbofModel's layers (biases without it)
 * @param sampleRandomFrames DbofModel samples frames at random (else a random run of frames)
 * @param dbofClusterSize DbofModel's cluster layer width
 * @param dbofHiddenSize DbofModel's hidden layer width
 * @param dbofPoolingMethod {@code max} or {@code average} over the sampled frames
 * @param dbofActivation {@code sigmoid} or {@code relu6}
 * @param videoLevelClassifierModel the classifier DbofModel and LstmModel end with
 * @param lstmCells units per LSTM layer
 * @param lstmLayers stacked LSTM layers
 * @param maxFrames frames read per video (the reader's max_frames), and so the length the
 *     LSTM is unrolled over
 * @param moeGating MoeModel (and the MoE classifier) multiplies its probabilities by a
 *     context gate {@code sigmoid(BN(p·W))}, as the 2017 winner's gated MoE does
 * @param netVlad NetVladModel's sizes
 * @param nextVlad NeXtVladModel's sizes
 * @param featureSizes the sizes of the features concatenated in the input (the reader's
 *     feature_sizes), which NetVladModel and NeXtVladModel aggregate apart as their authors
 *     aggregate rgb and audio; empty: the input is one feature
 */
public record ModelConfig(int moeNumMixtures, int iterations, boolean dbofAddBatchNorm,
    boolean sampleRandomFrames, int dbofClusterSize, int dbofHiddenSize,
    String dbofPoolingMethod, String dbofActivation, String videoLevelClassifierModel,
    int lstmCells, int lstmLayers, int maxFrames, boolean moeGating, NetVlad netVlad,
    NeXtVlad nextVlad, List<Integer> featureSizes) {

  /** The starter code's defaults; the cluster-pooling models' are their authors'. */
  public static final ModelConfig DEFAULTS = new ModelConfig(2, 30, true, true, 8192, 1024,
      "max", "sigmoid", "MoeModel", 1024, 2, 300);

  /** The starter models' flags, without MoE gating, the cluster-pooling models at defaults. */
  public ModelConfig(int moeNumMixtures, int iterations, boolean dbofAddBatchNorm,
      boolean sampleRandomFrames, int dbofClusterSize, int dbofHiddenSize,
      String dbofPoolingMethod, String dbofActivation, String videoLevelClassifierModel,
      int lstmCells, int lstmLayers, int maxFrames) {
    this(moeNumMixtures, iterations, dbofAddBatchNorm, sampleRandomFrames, dbofClusterSize,
        dbofHiddenSize, dbofPoolingMethod, dbofActivation, videoLevelClassifierModel, lstmCells,
        lstmLayers, maxFrames, false, NetVlad.DEFAULTS, NeXtVlad.DEFAULTS, List.of());
  }

  /**
   * NetVladModel's flags (the 2017 winner's NetVLADModelLF, Miech et al.).
   *
   * @param clusterSize K, the clusters frames are softly assigned to
   * @param hiddenSize H, the hidden layer after the VLAD descriptor
   * @param addBatchNorm batch norm on the frames, the assignment logits and the hidden layer
   *     (else biases)
   * @param gating context gating {@code x · sigmoid(W x + b)} on the hidden layer
   */
  public record NetVlad(int clusterSize, int hiddenSize, boolean addBatchNorm, boolean gating) {
    /** The winner's defaults (it trained with gating on; off by default as in its flags). */
    public static final NetVlad DEFAULTS = new NetVlad(64, 1024, true, false);

    public NetVlad {
      checkArgument(clusterSize > 0 && hiddenSize > 0, "netvladClusterSize and "
          + "netvladHiddenSize must be positive, got %s and %s", clusterSize, hiddenSize);
    }
  }

  /**
   * NeXtVladModel's flags (Lin et al., arXiv 1811.05014, and its authors' code).
   *
   * @param clusterSize K, clusters per group
   * @param hiddenSize H, the hidden layer after the VLAD descriptor
   * @param expansion λ, the factor the frame features are expanded by
   * @param groups G, the groups the expanded features are split into (λ·N must divide by G)
   * @param dropout the rate of dropout on the VLAD descriptor in training, in [0, 1)
   * @param gatingReduction r of the SE context gate on the hidden layer ({@code H/r} wide)
   */
  public record NeXtVlad(int clusterSize, int hiddenSize, int expansion, int groups,
      float dropout, int gatingReduction) {
    /** The authors' defaults. */
    public static final NeXtVlad DEFAULTS = new NeXtVlad(64, 1024, 2, 8, 0.5f, 8);

    public NeXtVlad {
      checkArgument(clusterSize > 0 && hiddenSize > 0 && expansion > 0 && groups > 0,
          "nextvladClusterSize, nextvladHiddenSize, nextvladExpansion and nextvladGroups must "
              + "be positive, got %s, %s, %s and %s", clusterSize, hiddenSize, expansion,
          groups);
      checkArgument(dropout >= 0 && dropout < 1, "nextvladDropout must be in [0, 1), got %s",
          dropout);
      checkArgument(gatingReduction > 0 && gatingReduction <= hiddenSize,
          "nextvladGatingReduction must be in [1, nextvladHiddenSize], got %s",
          gatingReduction);
    }
  }

  /** This config with other MoE gating. */
  public ModelConfig withMoeGating(boolean gating) {
    return new ModelConfig(moeNumMixtures, iterations, dbofAddBatchNorm, sampleRandomFrames,
        dbofClusterSize, dbofHiddenSize, dbofPoolingMethod, dbofActivation,
        videoLevelClassifierModel, lstmCells, lstmLayers, maxFrames, gating, netVlad,
        nextVlad, featureSizes);
  }

  /** This config with other NetVladModel flags. */
  public ModelConfig withNetVlad(NetVlad newNetVlad) {
    return new ModelConfig(moeNumMixtures, iterations, dbofAddBatchNorm, sampleRandomFrames,
        dbofClusterSize, dbofHiddenSize, dbofPoolingMethod, dbofActivation,
        videoLevelClassifierModel, lstmCells, lstmLayers, maxFrames, moeGating, newNetVlad,
        nextVlad, featureSizes);
  }

  /** This config with other NeXtVladModel flags. */
  public ModelConfig withNextVlad(NeXtVlad newNextVlad) {
    return new ModelConfig(moeNumMixtures, iterations, dbofAddBatchNorm, sampleRandomFrames,
        dbofClusterSize, dbofHiddenSize, dbofPoolingMethod, dbofActivation,
        videoLevelClassifierModel, lstmCells, lstmLayers, maxFrames, moeGating, netVlad,
        newNextVlad, featureSizes);
  }

  /** This config for an input of these concatenated features. */
  public ModelConfig withFeatureSizes(List<Integer> sizes) {
    return new ModelConfig(moeNumMixtures, iterations, dbofAddBatchNorm, sampleRandomFrames,
        dbofClusterSize, dbofHiddenSize, dbofPoolingMethod, dbofActivation,
        videoLevelClassifierModel, lstmCells, lstmLayers, maxFrames, moeGating, netVlad,
        nextVlad, sizes);
  }

  public ModelConfig {
    checkNotNull(netVlad, "netVlad");
    checkNotNull(nextVlad, "nextVlad");
    featureSizes = List.copyOf(featureSizes);
    checkArgument(featureSizes.stream().allMatch(size -> size > 0),
        "feature sizes must be positive, got %s", featureSizes);
    checkArgument(moeNumMixtures > 0, "moeNumMixtures must be positive, got %s",
        moeNumMixtures);
    checkArgument(iterations > 0, "iterations must be positive, got %s", iterations);
    checkArgument(dbofClusterSize > 0 && dbofHiddenSize > 0,
        "dbofClusterSize and dbofHiddenSize must be positive, got %s and %s", dbofClusterSize,
        dbofHiddenSize);
    dbofPoolingMethod = dbofPoolingMethod.toLowerCase(Locale.ROOT);
    checkArgument(dbofPoolingMethod.equals("max") || dbofPoolingMethod.equals("average"),
        "dbofPoolingMethod must be max or average, got %s", dbofPoolingMethod);
    dbofActivation = dbofActivation.toLowerCase(Locale.ROOT);
    checkArgument(dbofActivation.equals("sigmoid") || dbofActivation.equals("relu6"),
        "dbofActivation must be sigmoid or relu6, got %s", dbofActivation);
    checkArgument(!Models.byName(videoLevelClassifierModel).frameLevel(),
        "videoLevelClassifierModel must be a video-level model, got %s",
        videoLevelClassifierModel);
    checkArgument(lstmCells > 0 && lstmLayers > 0, "lstmCells and lstmLayers must be "
        + "positive, got %s and %s", lstmCells, lstmLayers);
    checkArgument(maxFrames > 0, "maxFrames must be positive, got %s", maxFrames);
  }
}
