package org.yt8m.model.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.op.io.ParseSequenceExample;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;
import org.yt8m.model.record.Dequantization;
import org.yt8m.model.record.FeatureSpec;

/**
 * The signature {@value #KEY} of an export: what TensorFlow Serving and Vertex AI prediction
 * send, as the starter's {@code export_model.py} exports it. It takes {@value #EXAMPLE_BYTES},
 * a string {@code [B]} of serialized records exactly as the shards hold them
 * ({@code tf.train.Example} for video-level models, {@code tf.train.SequenceExample} for
 * frame-level ones), and returns {@value #VIDEO_ID} (string {@code [B]}), {@value #CLASS_INDEXES}
 * (int32 {@code [B, k]}) and {@value #PREDICTIONS} (float32 {@code [B, k]}): each video's
 * {@value #TOP_K} best classes (or all, when the model has fewer) by descending probability.
 * Beyond export_model.py's three it also returns every class's probability
 * ({@code probabilities}, float32 {@code [B, C]}, as the other signatures do): the tensor that
 * {@code yt8m ensemble} averages over its members, so that an ensemble keeps this signature.
 *
 * <p>The records are parsed inside the graph by TensorFlow's own ops ({@code ParseExampleV2},
 * {@code ParseSequenceExampleV2}), frames dequantized as the readers do, bit for bit
 * ({@link Dequantization}: two float32 roundings) and cut to the model's {@code max_frames};
 * the features then go through another serving tower sharing the model's weights. A record
 * without a feature, or with one of the wrong size, fails the call with TensorFlow's message
 * naming the feature.
 */
public final class ExamplesSignature {
  public static final String KEY = "serving_examples";
  public static final String EXAMPLE_BYTES = "example_bytes";
  public static final String VIDEO_ID = "video_id";
  public static final String CLASS_INDEXES = "class_indexes";
  public static final String PREDICTIONS = "predictions";
  /** How many classes each video returns, as export_model.py's. */
  public static final int TOP_K = 20;
  private static final String ID = "id";

  private ExamplesSignature() {}

  /**
   * {@code graph}'s signatures and this one, built into {@code g} for records of
   * {@code features} ({@code frameLevel}: per frame, kept up to {@code maxFrames}).
   */
  public static List<Signature> appendTo(Graph g, TrainingGraph graph, FeatureSpec features,
      boolean frameLevel, int maxFrames, int numClasses) {
    Ops tf = Ops.create(g).withSubScope(KEY);
    Placeholder<TString> examples = tf.withName(EXAMPLE_BYTES).placeholder(TString.class,
        Placeholder.shape(Shape.of(-1)));
    Parsed parsed = frameLevel ? parseFrames(tf, examples, features, maxFrames)
        : parseVideos(tf, examples, features);
    Operand<TFloat32> probabilities = tf.withName(ServingSignature.PROBABILITIES).identity(
        graph.servingProbabilities(tf.withSubScope("tower"), parsed.features(),
            parsed.numFrames()));
    TopK<TFloat32, TInt32> top = tf.nn.topK(probabilities,
        tf.constant(Math.min(TOP_K, numClasses)), TInt32.class);
    List<Signature> signatures = new ArrayList<>(graph.signatures());
    signatures.add(Signature.builder().key(KEY)
        .input(EXAMPLE_BYTES, examples)
        .output(VIDEO_ID, tf.withName(VIDEO_ID).identity(parsed.ids()))
        .output(CLASS_INDEXES, tf.withName(CLASS_INDEXES).identity(top.indices()))
        .output(PREDICTIONS, tf.withName(PREDICTIONS).identity(top.values()))
        .output(ServingSignature.PROBABILITIES, probabilities)
        .build());
    return List.copyOf(signatures);
  }

  /** What the records hold: ids, features as the serving input takes them, frame counts. */
  private record Parsed(Operand<TString> ids, Operand<TFloat32> features,
      Operand<TInt32> numFrames) {}

  private static Parsed parseVideos(Ops tf, Operand<TString> examples, FeatureSpec features) {
    List<String> keys = new ArrayList<>(List.of(ID));
    List<Operand<?>> defaults = new ArrayList<>(List.of(noStrings(tf)));
    List<Shape> shapes = new ArrayList<>(List.of(Shape.scalar()));
    for (int i = 0; i < features.names().size(); i++) {
      keys.add(features.names().get(i));
      defaults.add(tf.constant(new float[0])); // empty: the feature is required
      shapes.add(Shape.of(features.sizes().get(i)));
    }
    ParseExample parse = tf.io.parseExample(examples, noStrings(tf), noStrings(tf),
        tf.array(keys.toArray(String[]::new)), noStrings(tf), defaults, 0L, List.of(),
        List.of(), List.of(), shapes);
    List<Operand<TFloat32>> values = new ArrayList<>();
    for (int i = 1; i < keys.size(); i++) {
      values.add(parse.denseValues().get(i).expect(TFloat32.class));
    }
    return new Parsed(parse.denseValues().get(0).expect(TString.class),
        concat(tf, values), null);
  }

  private static Parsed parseFrames(Ops tf, Operand<TString> examples, FeatureSpec features,
      int maxFrames) {
    int n = features.names().size();
    List<Class<? extends TType>> strings = new ArrayList<>();
    List<Class<? extends org.tensorflow.types.family.TNumber>> splits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      strings.add(TString.class);
      splits.add(TInt64.class);
    }
    ParseSequenceExample parse = tf.io.parseSequenceExample(examples, noStrings(tf),
        noStrings(tf), tf.array(ID), noStrings(tf), noStrings(tf),
        noStrings(tf), tf.array(features.names().toArray(String[]::new)),
        tf.constant(new boolean[0]), List.of(noStrings(tf)), List.of(), List.of(),
        List.of(), List.of(), List.of(), strings, splits,
        ParseSequenceExample.contextDenseShapes(Shape.scalar()));
    List<Operand<TFloat32>> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Operand<TString> bytes = parse.featureListRaggedValues().get(i).expect(TString.class);
      Operand<TUint8> quantized = tf.reshape(tf.io.decodeRaw(bytes, TUint8.class),
          tf.constant(new long[] {-1, features.sizes().get(i)}));
      frames.add(tf.math.add(tf.math.mul(tf.dtypes.cast(quantized, TFloat32.class),
          tf.constant(Dequantization.SCALE)), tf.constant(Dequantization.MIN_VALUE)));
    }
    Operand<TInt64> rowSplits = parse.featureListRaggedOuterSplits().get(0)
        .expect(TInt64.class);
    Operand<TFloat32> padded = tf.ragged.raggedTensorToTensor(
        tf.constant(new long[] {-1, -1, features.totalSize()}), concat(tf, frames),
        tf.constant(0f), List.of(rowSplits), List.of("ROW_SPLITS"))
        .result();
    Operand<TFloat32> kept = tf.stridedSlice(padded, Indices.all(),
        Indices.sliceTo(maxFrames), Indices.all());
    Operand<TInt64> lengths = tf.math.sub(
        tf.stridedSlice(rowSplits, Indices.sliceFrom(1)),
        tf.stridedSlice(rowSplits, Indices.sliceTo(-1)));
    Operand<TInt32> numFrames = tf.math.minimum(tf.dtypes.cast(lengths, TInt32.class),
        tf.constant(maxFrames));
    return new Parsed(parse.contextDenseValues().get(0).expect(TString.class), kept,
        numFrames);
  }

  /** The features side by side (ConcatV2 takes two or more: one feature is itself). */
  private static Operand<TFloat32> concat(Ops tf, List<Operand<TFloat32>> features) {
    return features.size() == 1 ? features.get(0) : tf.concat(features, tf.constant(1));
  }

  /** An empty string vector: no keys of a kind, or a required string feature's default. */
  private static Operand<TString> noStrings(Ops tf) {
    return tf.constant(NdArrays.ofObjects(String.class, Shape.of(0)));
  }
}
