package org.yt8m.model.nn;

/**
 * The contract of an exported model: what {@code trainDir/export/step_N/} holds and what its
 * {@code serving_default} signature takes and returns. Evaluation and inference load exactly
 * this; nothing else needs to have run first.
 *
 * <p>The directory holds a SavedModel (tag {@code serve}: {@code saved_model.pb} and
 * {@code variables/}) and {@code model_flags.json} (the training run's model flags: model,
 * features, frame mode, classes). {@code trainDir/export/latest} is a one-line text file
 * naming the newest {@code step_N} directory.
 *
 * <p>Signature {@value #KEY}:
 * <ul>
 *   <li>input {@value #FEATURES}, float32: {@code [B, D]} raw (not normalised) video-level
 *       features concatenated in {@code model_flags.json}'s feature order, or {@code [B, T, F]}
 *       frame-level features dequantized to floats and zero-padded after each video's frames
 *       (any {@code T ≥ 1}; the LSTM pads or cuts to its unrolled length itself);
 *   <li>input {@value #NUM_FRAMES}, int32 {@code [B]}: frames per video (frame-level only);
 *   <li>input {@value #TOP_K}, int32 scalar: how many classes to return per video, at most
 *       the number of classes;
 *   <li>output {@value #PROBABILITIES}, float32 {@code [B, C]};
 *   <li>outputs {@value #TOP_CLASSES} (int32 {@code [B, k]}) and {@value #TOP_SCORES}
 *       (float32 {@code [B, k]}): each video's k best classes by descending probability,
 *       equal probabilities in ascending class order (TensorFlow's TopK), computed in the
 *       graph so only k pairs per video leave the device.
 * </ul>
 * The graph normalises features itself (L2, as in training) and uses batch norm's moving
 * averages; DbofModel still samples frames at random, as the starter's does when evaluating.
 *
 * <p>Signature {@value #EVALUATE_KEY}, for evaluation: the same inputs plus {@value #LABELS}
 * (float32 {@code [B, C]}, 1 at each label), the same top-k outputs plus {@value #LOSS}
 * (float32 {@code [B]}: each video's label loss, the training run's {@code label_loss}, on
 * the serving tower's probabilities), so eval.py's mean loss comes from the graph that trained.
 *
 * <p>Signature {@value ExamplesSignature#KEY}, for TensorFlow Serving and Vertex AI prediction:
 * serialized records in, ids and top-20 classes out, as the starter's export_model.py
 * ({@link ExamplesSignature}).
 */
public final class ServingSignature {
  public static final String KEY = "serving_default";
  public static final String TAG = "serve";
  public static final String FEATURES = "features";
  public static final String NUM_FRAMES = "num_frames";
  public static final String TOP_K = "k";
  public static final String PROBABILITIES = "probabilities";
  public static final String TOP_CLASSES = "top_classes";
  public static final String TOP_SCORES = "top_scores";
  public static final String EVALUATE_KEY = "evaluate";
  public static final String LABELS = "labels";
  public static final String LOSS = "loss";

  private ServingSignature() {}
}
