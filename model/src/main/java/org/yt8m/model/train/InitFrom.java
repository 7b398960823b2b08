package org.yt8m.model.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TType;
import org.yt8m.model.nn.ServingSignature;

/**
 * Fine-tuning's starting point: the weights of another run ({@code --initFrom}), taken into a
 * new run's freshly initialized session for every variable whose name and shape match.
 *
 * <p>The source is a training directory (its {@code export/latest}, which each checkpoint
 * writes) or one export ({@code export/step_N}): an export holds the whole session's variables,
 * so it serves both. The new run keeps its own global step (it starts at 0, with its own
 * learning-rate schedule) and, unless {@code withOptimizer}, its own optimizer state (the
 * variables under {@value #OPTIMIZER_SCOPE}); everything else that matches is taken, batch
 * norm's moving averages included. A source sharing no variable with the new model is an
 * error: it is certainly the wrong one.
 */
public final class InitFrom {
  static final String OPTIMIZER_SCOPE = "optimizer/";
  private static final String GLOBAL_STEP = "global_step";
  private static final String VARIABLE = "VariableV2";

  private final TrainDir source;
  private final boolean withOptimizer;

  private InitFrom(TrainDir source, boolean withOptimizer) {
    this.source = requireNonNull(source, "source");
    this.withOptimizer = withOptimizer;
  }

  /** Weights from {@code source}, a training directory or an export. */
  public static InitFrom of(TrainDir source) {
    return new InitFrom(source, false);
  }

  /** Whether the optimizer's state (Adam's moments, momentum, …) is taken too. */
  public InitFrom withOptimizer(boolean withOptimizer) {
    return new InitFrom(source, withOptimizer);
  }

  /** What a run took and what it initialized itself. */
  public record Report(String source, List<String> taken, List<String> fresh) {
    /** One line for the log. */
    public String describe() {
      return "initialized from " + source + ": took " + taken.size() + " variable"
          + (taken.size() == 1 ? "" : "s") + " (" + String.join(", ", taken) + "); "
          + fresh.size() + " fresh (" + String.join(", ", fresh) + ")";
    }
  }

  /**
   * Copies the matching variables of the source into {@code session} (already initialized),
   * adding their assignments to {@code graph}; {@code scratch} holds a remote source's copy.
   */
  public Report apply(Graph graph, Session session, Path scratch) throws IOException {
    String export = exportDirectory();
    String where = source.location() + (export.isEmpty() ? "" : "/" + export);
    Path local = localCopy(export, scratch);
    try (SavedModelBundle bundle = SavedModelBundle.load(local.toString(),
        ServingSignature.TAG)) {
      Map<String, Target> wanted = new LinkedHashMap<>();
      List<String> fresh = new ArrayList<>();
      Map<String, Output<?>> available = variables(bundle.graph());
      for (Map.Entry<String, Output<?>> target : variables(graph).entrySet()) {
        String name = target.getKey();
        Output<?> from = available.get(name);
        boolean kept = name.equals(GLOBAL_STEP)
            || (!withOptimizer && name.startsWith(OPTIMIZER_SCOPE));
        if (!kept && from != null && from.shape().equals(target.getValue().shape())
            && from.dataType() == target.getValue().dataType()) {
          wanted.put(name, new Target(target.getValue(), from.shape()));
        } else {
          fresh.add(name + (from != null && !kept ? " (shape " + from.shape() + " there, "
              + target.getValue().shape() + " here)" : ""));
        }
      }
      if (wanted.isEmpty()) {
        throw new IllegalArgumentException("--initFrom=" + source.location() + ": " + where
            + " shares no variable (name and shape) with this model: is it a run of the same "
            + "--model and flags?");
      }
      copy(bundle.session(), graph, session, wanted);
      return new Report(where, List.copyOf(wanted.keySet()), List.copyOf(fresh));
    }
  }

  /** A variable to assign and its shape. */
  private record Target(Output<?> variable, Shape shape) {}

  /** Fetches the wanted variables from {@code from} and assigns them in one run. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copy(Session from, Graph graph, Session session,
      Map<String, Target> wanted) {
    Session.Runner fetch = from.runner();
    wanted.keySet().forEach(fetch::fetch);
    try (Result values = fetch.run()) {
      Ops tf = Ops.create(graph).withSubScope("init_from");
      Session.Runner assign = session.runner();
      int i = 0;
      for (Target target : wanted.values()) {
        TType value = (TType) values.get(i++);
        Placeholder placeholder = tf.placeholder((Class) value.type(),
            Placeholder.shape(target.shape()));
        Op assignment = tf.assign((Operand) target.variable(), placeholder);
        assign.feed(placeholder, value).addTarget(assignment);
      }
      assign.run();
    }
  }

  /** Every variable of {@code graph} by name, in graph order. */
  private static Map<String, Output<?>> variables(Graph graph) {
    Map<String, Output<?>> variables = new LinkedHashMap<>();
    for (Iterator<GraphOperation> ops = graph.operations(); ops.hasNext(); ) {
      GraphOperation op = ops.next();
      if (op.type().equals(VARIABLE)) {
        variables.put(op.name(), op.output(0));
      }
    }
    return variables;
  }

  /**
   * The export to read, relative to the source: its {@code export/latest} when it is a training
   * directory, "" when it is an export itself.
   */
  private String exportDirectory() throws IOException {
    Optional<String> latest = new Exports(source).latest();
    if (latest.isPresent()) {
      return latest.get();
    }
    if (source.exists("saved_model.pb")) {
      return "";
    }
    throw new IllegalArgumentException("--initFrom=" + source.location() + " is neither a "
        + "training directory with an export (export/latest) nor an export (saved_model.pb)");
  }

  /** The export on local disk: where it is, or a copy under {@code scratch}. */
  private Path localCopy(String export, Path scratch) throws IOException {
    Optional<Path> local = source.localPath();
    if (local.isPresent()) {
      return export.isEmpty() ? local.get() : local.get().resolve(export);
    }
    Path copy = scratch.resolve("init-from");
    download(export, copy);
    return copy;
  }

  private void download(String directory, Path local) throws IOException {
    Files.createDirectories(local);
    for (String entry : source.list(directory)) {
      String relative = directory.isEmpty() ? entry : directory + "/" + entry;
      if (entry.endsWith("/")) {
        download(relative.substring(0, relative.length() - 1),
            local.resolve(entry.substring(0, entry.length() - 1)));
      } else {
        source.download(relative, local.resolve(entry));
      }
    }
  }
}
