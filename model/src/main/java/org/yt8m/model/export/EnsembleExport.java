package org.yt8m.model.export;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.internal.types.registry.TensorTypeRegistry;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;
import org.yt8m.model.nn.ServingSignature;

/**
 * Writes the SavedModel of a weighted ensemble of exports ({@link EnsembleGraph}): the members'
 * serving graphs side by side, their weights inside, probabilities the weighted mean of
 * theirs, the signatures of their exports. With one member it rewrites an export without its
 * training ops, which is how {@code --exportPrecision=float16} makes a compact export.
 *
 * <p>The weights go from the members' checkpoints to the new one inside TensorFlow (a restore,
 * a cast where stored in half precision, a save, in a graph of their own), so no copy of them
 * passes through the JVM and the exported graph holds no op that set them.
 */
public final class EnsembleExport {
  private EnsembleExport() {}

  /**
   * One member: an export on local disk, where it comes from (for messages), its weight.
   *
   * @param dir the export's directory (a SavedModel)
   * @param location where it is, a path or a URL, for messages
   * @param weight its share before normalizing: finite and not negative
   */
  public record Member(Path dir, String location, double weight) {
    public Member {
      checkArgument(Double.isFinite(weight) && weight >= 0, "the weight of %s must be a "
          + "number >= 0, got %s", location, weight);
    }
  }

  /**
   * Writes the ensemble of {@code members} to the new directory {@code target}, its weights
   * stored at {@code precision}; the weights are {@link #normalizedWeights normalized}.
   *
   * @throws IllegalArgumentException when the weights sum to 0 or the members cannot be
   *     combined (their signatures differ), naming the member
   */
  public static void write(List<Member> members, ExportPrecision precision, Path target)
      throws IOException {
    double[] weights = normalizedWeights(members);
    List<MemberGraph> graphs = new ArrayList<>();
    for (Member member : members) {
      graphs.add(MemberGraph.read(member.dir(), member.location()));
    }
    EnsembleGraph ensemble = EnsembleGraph.build(graphs, weights, precision);
    Path weightsDir = Files.createTempDirectory("ensemble-weights");
    try {
      String checkpoint = weightsDir.resolve("variables").toString();
      copyWeights(graphs, ensemble.variables(), checkpoint);
      export(ensemble, checkpoint, target);
    } finally {
      MoreFiles.deleteRecursively(weightsDir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /**
   * The members' weights divided by their sum.
   *
   * @throws IllegalArgumentException when there is no member or the weights sum to 0
   */
  public static double[] normalizedWeights(List<Member> members) {
    checkArgument(!members.isEmpty(), "an ensemble needs at least one member");
    double total = members.stream().mapToDouble(Member::weight).sum();
    checkArgument(total > 0, "the weights of %s sum to 0: give one a positive weight",
        members.stream().map(Member::location).toList());
    return members.stream().mapToDouble(member -> member.weight() / total).toArray();
  }

  /**
   * Rewrites the SavedModel in {@code dir} in place with its weights stored at
   * {@code precision} and without its training ops (other files in {@code dir} go: the caller
   * writes {@code model_flags.json} after); nothing when {@code precision} is float32, the
   * trainer's.
   */
  public static void recast(Path dir, ExportPrecision precision) throws IOException {
    if (precision == ExportPrecision.FLOAT32) {
      return;
    }
    Path recast = dir.resolveSibling(dir.getFileName() + "-" + precision.flagValue());
    try {
      write(List.of(new Member(dir, dir.toString(), 1)), precision, recast);
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
      Files.move(recast, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(recast)) {
        MoreFiles.deleteRecursively(recast, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  /** Each variable's value from its member's checkpoint into {@code checkpoint}. */
  private static void copyWeights(List<MemberGraph> graphs,
      List<EnsembleGraph.Variable> variables, String checkpoint) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      List<String> names = new ArrayList<>();
      List<Operand<?>> values = new ArrayList<>();
      for (int member = 0; member < graphs.size(); member++) {
        int m = member;
        List<EnsembleGraph.Variable> own = variables.stream().filter(v -> v.member() == m)
            .toList();
        if (own.isEmpty()) {
          continue;
        }
        List<Class<? extends TType>> types = new ArrayList<>();
        for (EnsembleGraph.Variable variable : own) {
          types.add(type(variable.stored() == DataType.DT_HALF ? DataType.DT_FLOAT
              : variable.stored()));
        }
        Restore restored = tf.train.restore(
            tf.constant(graphs.get(member).checkpoint().toString()),
            strings(tf, own.stream().map(EnsembleGraph.Variable::source).toList()),
            wholeTensors(tf, own.size()), types);
        for (int i = 0; i < own.size(); i++) {
          Operand<?> value = restored.tensors().get(i);
          values.add(own.get(i).stored() == DataType.DT_HALF
              ? tf.dtypes.cast(value, TFloat16.class) : value);
          names.add(own.get(i).name());
        }
      }
      if (names.isEmpty()) {
        return;
      }
      session.run(tf.train.save(tf.constant(checkpoint), strings(tf, names),
          wholeTensors(tf, names.size()), values));
    }
  }

  /** Imports the graph, restores its weights from {@code checkpoint} and exports it. */
  private static void export(EnsembleGraph ensemble, String checkpoint, Path target)
      throws IOException {
    try (Graph graph = new Graph()) {
      graph.importGraphDef(ensemble.graphDef());
      try (Session session = new Session(graph)) {
        if (!ensemble.variables().isEmpty()) {
          session.restore(checkpoint);
        }
        List<Signature> signatures = new ArrayList<>();
        for (EnsembleGraph.SignatureSpec spec : ensemble.signatures()) {
          Signature.Builder builder = Signature.builder().key(spec.key())
              .methodName(spec.methodName());
          spec.inputs().forEach((name, tensor) -> builder.input(name,
              graph.outputOrThrow(tensor)));
          spec.outputs().forEach((name, tensor) -> builder.output(name,
              graph.outputOrThrow(tensor)));
          signatures.add(builder.build());
        }
        SavedModelBundle.exporter(target.toString()).withTags(ServingSignature.TAG)
            .withSession(session).withSignatures(signatures.toArray(Signature[]::new)).export();
      }
    }
  }

  private static Operand<TString> strings(Ops tf, List<String> values) {
    return tf.constant(StdArrays.ndCopyOf(values.toArray(String[]::new)));
  }

  /** The slice specs of {@code count} whole tensors: empty strings. */
  private static Operand<TString> wholeTensors(Ops tf, int count) {
    return strings(tf, Collections.nCopies(count, ""));
  }

  private static Class<? extends TType> type(DataType type) {
    return TensorTypeRegistry.find(type).type();
  }
}
