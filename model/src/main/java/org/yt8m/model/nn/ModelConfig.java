package org.yt8m.model.nn;

import static com.google.common.base.Preconditions.checkArgument;

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
 */
public record ModelConfig(int moeNumMixtures, int iterations, boolean dbofAddBatchNorm,
    boolean sampleRandomFrames, int dbofClusterSize, int dbofHiddenSize,
    String dbofPoolingMethod, String dbofActivation, String videoLevelClassifierModel,
    int lstmCells, int lstmLayers, int maxFrames) {

  /** The starter code's defaults. */
  public static final ModelConfig DEFAULTS = new ModelConfig(2, 30, true, true, 8192, 1024,
      "max", "sigmoid", "MoeModel", 1024, 2, 300);

  public ModelConfig {
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
