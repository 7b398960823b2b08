package org.yt8m.model.serving;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;
import org.yt8m.model.nn.ServingSignature;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.train.ModelFlags;

/**
 * One exported model (a {@code trainDir/export/step_N} directory on local disk, see
 * {@link ServingSignature}) loaded for scoring: batches of records in, each video's top-k
 * (class, score) pairs out, the top-k computed in the graph.
 *
 * <p>Thread-safe: TensorFlow sessions run concurrently, and at most {@code maxInFlight} runs
 * happen at once (the others wait), so that many threads sharing one model do not oversubscribe
 * the device. Input tensors are built before waiting, results copied out after.
 */
public final class ExportedModel implements AutoCloseable {
  /** The files an export cannot load without (the weights' data files are checked by TF). */
  private static final List<String> REQUIRED_PARTS =
      List.of("saved_model.pb", "variables/variables.index");

  private final String location;
  private final ModelFlags flags;
  private final SavedModelBundle bundle;
  private final Session session;
  private final String featuresInput;
  private final String numFramesInput;
  private final Output<TInt32> topKInput;
  private final Output<TFloat32> probabilities;
  private final Head allClasses;
  private final Map<List<Integer>, Head> subsets = new HashMap<>(); // guarded by this
  private final Semaphore inFlight;

  /** Fetches of a top-k over {@code numClasses} classes. */
  private record Head(Output<TInt32> classes, Output<TFloat32> scores, int numClasses) {}

  private ExportedModel(String location, ModelFlags flags, SavedModelBundle bundle,
      int maxInFlight) {
    this.location = location;
    this.flags = flags;
    this.bundle = bundle;
    this.session = bundle.session();
    Signature signature = bundle.function(ServingSignature.KEY).signature();
    featuresInput = tensorName(signature.getInputs(), ServingSignature.FEATURES);
    numFramesInput = flags.frameFeatures()
        ? tensorName(signature.getInputs(), ServingSignature.NUM_FRAMES) : null;
    topKInput = output(tensorName(signature.getInputs(), ServingSignature.TOP_K), TInt32.class);
    probabilities = output(tensorName(signature.getOutputs(), ServingSignature.PROBABILITIES),
        TFloat32.class);
    allClasses = new Head(
        output(tensorName(signature.getOutputs(), ServingSignature.TOP_CLASSES), TInt32.class),
        output(tensorName(signature.getOutputs(), ServingSignature.TOP_SCORES), TFloat32.class),
        flags.numClasses());
    inFlight = new Semaphore(maxInFlight, true);
  }

  /**
   * Loads the export in {@code dir} and its {@code model_flags.json}, allowing
   * {@code maxInFlight} concurrent runs.
   */
  public static ExportedModel load(Path dir, int maxInFlight) throws IOException {
    return load(dir, dir.toString(), maxInFlight);
  }

  /**
   * Loads the export in {@code dir}, a local copy of the one at {@code location} (a
   * {@code gs://} path, say), which messages name.
   *
   * @throws FileNotFoundException when a part of the export is missing, naming it: TensorFlow
   *     loads a SavedModel without its {@code variables/} and fails only at the first run, with
   *     "Attempting to use uninitialized value"
   * @throws IOException when TensorFlow cannot load it (a damaged file)
   */
  public static ExportedModel load(Path dir, String location, int maxInFlight)
      throws IOException {
    checkArgument(maxInFlight > 0, "maxInFlight must be positive, got %s", maxInFlight);
    Path flagsFile = dir.resolve(ModelFlags.FILE_NAME);
    if (!Files.isRegularFile(flagsFile)) {
      throw new FileNotFoundException(location + " has no " + ModelFlags.FILE_NAME
          + ": not a model exported by yt8m train (trainDir/export/step_N)");
    }
    ModelFlags flags = ModelFlags.fromJson(Files.readString(flagsFile, StandardCharsets.UTF_8),
        location + "/" + ModelFlags.FILE_NAME);
    for (String part : REQUIRED_PARTS) {
      if (!Files.isRegularFile(dir.resolve(part))) {
        throw new FileNotFoundException(location + " is incomplete: it has no " + part
            + (part.startsWith("variables/") ? " (the model's weights)" : "")
            + ". Export it again: a run of yt8m train resumed from its trainDir exports anew");
      }
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(dir.toString()).withTags(ServingSignature.TAG)
          .withConfigProto(SessionSettings.config()).load();
    } catch (TensorFlowException e) {
      throw new IOException(location + ": cannot load the exported model, a file of it is "
          + "damaged: " + e.getMessage(), e);
    }
    try {
      return new ExportedModel(location, flags, bundle, maxInFlight);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  /** The training run's model flags: model, features, frame mode, classes. */
  public ModelFlags flags() {
    return flags;
  }

  /** Each of {@code videos}' {@code k} best classes over all classes. */
  public TopKBatch score(List<? extends Yt8mRecord> videos, int k) throws InterruptedException {
    return run(videos, k, allClasses, null).top();
  }

  /**
   * What {@link #evaluate} returns: the top-k, and each video's label loss as the training
   * run's {@code label_loss} computes it on the exported graph.
   */
  public record Evaluation(TopKBatch top, float[] losses) {}

  /**
   * Each of {@code videos}' {@code k} best classes over all classes and its label loss against
   * its labels, through the export's {@value ServingSignature#EVALUATE_KEY} signature.
   */
  public Evaluation evaluate(List<? extends Yt8mRecord> videos, int k)
      throws InterruptedException {
    return run(videos, k, allClasses, lossHead());
  }

  /**
   * Each of {@code videos}' {@code k} best classes among {@code classes} (sorted, distinct):
   * the starter's class whitelist of segment inference, as a gather of those classes'
   * probabilities and a top-k over them, added to the graph on first use.
   */
  public TopKBatch scoreAmong(List<? extends Yt8mRecord> videos, int k, int[] classes)
      throws InterruptedException {
    return run(videos, k, subset(classes), null).top();
  }

  /**
   * {@code [B·C]}: the probabilities of the batch already in tensors, {@code features} as the
   * {@value ServingSignature#KEY} signature takes them and {@code numFrames} for a frame-level
   * model (else null): a distilling trainer's teacher scoring its batches.
   */
  public float[] probabilities(TFloat32 features, @Nullable TInt32 numFrames)
      throws InterruptedException {
    Session.Runner runner = session.runner().feed(featuresInput, features).fetch(probabilities);
    if (numFramesInput != null) {
      runner.feed(numFramesInput, numFrames);
    }
    try (Result result = runBounded(runner)) {
      TFloat32 scores = (TFloat32) result.get(0);
      float[] all = new float[Math.toIntExact(scores.size())];
      scores.copyTo(DataBuffers.of(all, false, false));
      return all;
    }
  }

  @Override
  public void close() {
    bundle.close();
  }

  @Override
  public String toString() {
    return flags.model() + " at " + location;
  }

  private Evaluation run(List<? extends Yt8mRecord> videos, int k, Head head,
      @Nullable LossHead loss) throws InterruptedException {
    checkArgument(!videos.isEmpty(), "no videos to score");
    checkArgument(k > 0 && k <= head.numClasses(), "k must lie in [1, %s] (the classes %s "
        + "scores), got %s", head.numClasses(), this, k);
    int size = videos.size();
    try (BatchTensors inputs = BatchTensors.of(videos, flags.frameFeatures(),
            flags.features().totalSize(), flags.model());
        TInt32 topK = TInt32.scalarOf(k);
        TFloat32 labels = loss == null ? null : labels(videos)) {
      Session.Runner runner = session.runner().feed(featuresInput, inputs.features())
          .feed(topKInput, topK).fetch(head.classes()).fetch(head.scores());
      if (inputs.numFrames() != null) {
        runner.feed(numFramesInput, inputs.numFrames());
      }
      if (loss != null) {
        runner.feed(loss.labels(), labels).fetch(loss.loss());
      }
      try (Result result = runBounded(runner)) {
        int[] classes = new int[size * k];
        float[] scores = new float[size * k];
        ((TInt32) result.get(0)).copyTo(DataBuffers.of(classes, false, false));
        ((TFloat32) result.get(1)).copyTo(DataBuffers.of(scores, false, false));
        float[] losses = null;
        if (loss != null) {
          losses = new float[size];
          ((TFloat32) result.get(2)).copyTo(DataBuffers.of(losses, false, false));
        }
        return new Evaluation(new TopKBatch(size, k, classes, scores), losses);
      }
    }
  }

  /** {@code [B, C]}: 1 at each video's labels. */
  private TFloat32 labels(List<? extends Yt8mRecord> videos) {
    int classes = flags.numClasses();
    float[] dense = new float[videos.size() * classes];
    for (int i = 0; i < videos.size(); i++) {
      for (int label : videos.get(i).labels()) {
        dense[i * classes + label] = 1f;
      }
    }
    return TFloat32.tensorOf(Shape.of(videos.size(), classes),
        DataBuffers.of(dense, true, false));
  }

  /** The evaluate signature's labels input and loss output. */
  private record LossHead(String labels, Output<TFloat32> loss) {}

  private LossHead lossHead() {
    SessionFunction function = bundle.functions().stream()
        .filter(f -> f.signature().key().equals(ServingSignature.EVALUATE_KEY)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(location + " has no "
            + ServingSignature.EVALUATE_KEY + " signature (an export of an older yt8m train): "
            + "evaluate its predictions file with --predictions instead"));
    Signature signature = function.signature();
    return new LossHead(tensorName(signature.getInputs(), ServingSignature.LABELS),
        output(tensorName(signature.getOutputs(), ServingSignature.LOSS), TFloat32.class));
  }

  /** Runs {@code runner} once a run slot is free. */
  private Result runBounded(Session.Runner runner) throws InterruptedException {
    inFlight.acquire();
    try {
      return runner.run();
    } finally {
      inFlight.release();
    }
  }

  private synchronized Head subset(int[] classes) {
    List<Integer> key = Arrays.stream(classes).boxed().toList();
    Head head = subsets.get(key);
    if (head == null) {
      for (int i = 0; i < classes.length; i++) {
        checkArgument(classes[i] >= 0 && classes[i] < flags.numClasses()
            && (i == 0 || classes[i] > classes[i - 1]), "classes must be sorted, distinct and "
            + "in [0, %s), got %s at %s", flags.numClasses(), classes[i], i);
      }
      Ops tf = Ops.create(bundle.graph()).withSubScope("class_subset_" + subsets.size());
      var kept = tf.constant(classes);
      TopK<TFloat32, TInt32> top = tf.nn.topK(tf.gather(probabilities, kept, tf.constant(1)),
          topKInput, TInt32.class);
      head = new Head(tf.gather(kept, top.indices(), tf.constant(0)).asOutput(),
          top.values().asOutput(), classes.length);
      subsets.put(key, head);
    }
    return head;
  }

  private <T extends TType> Output<T> output(String name,
      Class<T> type) {
    return bundle.graph().outputOrThrow(name).expect(type);
  }

  private String tensorName(Map<String, Signature.TensorDescription> tensors, String key) {
    Signature.TensorDescription tensor = tensors.get(key);
    if (tensor == null) {
      throw new IllegalArgumentException(location + ": the " + ServingSignature.KEY
          + " signature has no " + key + " (it has " + tensors.keySet() + "); see "
          + ServingSignature.class.getName());
    }
    return tensor.name;
  }
}
