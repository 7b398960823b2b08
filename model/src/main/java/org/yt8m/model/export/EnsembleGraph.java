package org.yt8m.model.export;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.nn.ServingSignature;

/**
 * The serving graph of a weighted ensemble of exports, as one {@link GraphDef} with the
 * signatures of its members' exports.
 *
 * <p>Each member's serving part (what its signatures' outputs need, no training ops) is copied
 * under its own name scope {@code member_i/}, its input placeholders replaced by shared ones
 * named as the first member's. For every probabilities tensor the signatures return, a node of
 * the first member's name computes {@code Σ wᵢ·pᵢ}; the first member's nodes downstream of its
 * probabilities (top-k, the evaluate signature's loss) keep their names and so read the mean.
 * An output that reads a member's weights other than through its probabilities could not be
 * combined and is an error. With one member nothing is renamed: the export is copied without
 * its training ops, its weights stored at the asked precision.
 *
 * <p>In float16, each float32 variable is stored as half and read through a {@code Cast} to
 * float32 ({@code NAME/as_float32}) that every reader of the variable takes instead.
 */
final class EnsembleGraph {
  static final String AS_FLOAT32 = "/as_float32";
  private static final String STAND_IN = "stand_in_";
  private static final String MEAN = "mean_";
  private static final String HEAD_SCOPE = "ensemble";

  /**
   * A variable of the merged graph.
   *
   * @param member the member whose checkpoint holds its value
   * @param source its name there
   * @param name its name here
   * @param stored how it is stored here (its source type, or half)
   */
  record Variable(int member, String source, String name, DataType stored) {}

  /** A signature of the merged graph, its tensors by name. */
  record SignatureSpec(String key, String methodName, Map<String, String> inputs,
      Map<String, String> outputs) {}

  private final GraphDef graphDef;
  private final List<Variable> variables;
  private final List<SignatureSpec> signatures;

  private EnsembleGraph(GraphDef graphDef, List<Variable> variables,
      List<SignatureSpec> signatures) {
    this.graphDef = graphDef;
    this.variables = variables;
    this.signatures = signatures;
  }

  GraphDef graphDef() {
    return graphDef;
  }

  List<Variable> variables() {
    return variables;
  }

  List<SignatureSpec> signatures() {
    return signatures;
  }

  /**
   * The ensemble of {@code members} with {@code weights} (non-negative, summing to 1), its
   * variables stored at {@code precision}.
   *
   * @throws IllegalArgumentException when the members' signatures differ, naming the member
   *     and the signature, or a member's graph cannot be combined
   */
  static EnsembleGraph build(List<MemberGraph> members, double[] weights,
      ExportPrecision precision) {
    checkArgument(!members.isEmpty() && members.size() == weights.length,
        "%s members and %s weights", members.size(), weights.length);
    MemberGraph host = members.get(0);
    boolean combine = members.size() > 1;
    List<MemberPlan> plans = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      plans.add(new MemberPlan(i, members.get(i), host, combine));
    }
    MemberPlan hostPlan = plans.get(0);
    GraphDef.Builder merged = GraphDef.newBuilder().setVersions(host.meta().getGraphDef()
        .getVersions());
    Set<String> sharedInputs = new LinkedHashSet<>(hostPlan.inputs.values());
    Map<String, NodeDef> hostNodes = hostPlan.nodes;
    for (String input : sharedInputs) {
      merged.addNode(clean(hostNodes.get(input).toBuilder()));
    }
    List<Variable> variables = new ArrayList<>();
    for (MemberPlan plan : plans) {
      plan.emit(merged, variables, precision);
    }
    if (combine) {
      addHead(merged, plans, weights);
    }
    List<SignatureSpec> signatures = new ArrayList<>();
    host.signatures().forEach((key, signature) -> {
      Map<String, String> inputs = new LinkedHashMap<>();
      signature.getInputsMap().forEach((name, tensor) -> inputs.put(name,
          hostPlan.inputs.get(TensorRef.parse(tensor.getName()).node()) + ":0"));
      Map<String, String> outputs = new LinkedHashMap<>();
      signature.getOutputsMap().forEach((name, tensor) -> outputs.put(name,
          hostPlan.rewrite(TensorRef.parse(tensor.getName())).asTensor()));
      signatures.add(new SignatureSpec(key, signature.getMethodName(), inputs, outputs));
    });
    return new EnsembleGraph(merged.build(), List.copyOf(variables), List.copyOf(signatures));
  }

  /**
   * The mean nodes, built with the Ops API around placeholders standing in for the members'
   * probabilities, then renamed onto the merged graph: the stand-ins give way to the members'
   * own nodes, each mean takes the name of the first member's probabilities.
   */
  private static void addHead(GraphDef.Builder merged, List<MemberPlan> plans,
      double[] weights) {
    List<String> hostProbabilities = List.copyOf(plans.get(0).probabilityNodes());
    Map<String, String> renamed = new HashMap<>();
    GraphDef head;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph).withSubScope(HEAD_SCOPE);
      for (int j = 0; j < hostProbabilities.size(); j++) {
        List<Operand<TFloat32>> terms = new ArrayList<>();
        for (MemberPlan plan : plans) {
          String standIn = STAND_IN + j + "_" + plan.index;
          terms.add(tf.math.mul(tf.withName(standIn).placeholder(TFloat32.class),
              tf.constant((float) weights[plan.index])));
          renamed.put(HEAD_SCOPE + "/" + standIn,
              plan.nodeName(plan.probabilityMatching(plans.get(0).probabilities,
              hostProbabilities.get(j))));
        }
        tf.withName(MEAN + j).math.addN(terms);
        renamed.put(HEAD_SCOPE + "/" + MEAN + j, hostProbabilities.get(j));
      }
      head = graph.toGraphDef();
    }
    for (NodeDef node : head.getNodeList()) {
      if (node.getName().startsWith(HEAD_SCOPE + "/" + STAND_IN)) {
        continue;
      }
      NodeDef.Builder builder = node.toBuilder()
          .setName(renamed.getOrDefault(node.getName(), node.getName())).clearInput();
      for (String input : node.getInputList()) {
        TensorRef ref = TensorRef.parse(input);
        builder.addInput(ref.withNode(renamed.getOrDefault(ref.node(), ref.node())).asInput());
      }
      merged.addNode(clean(builder));
    }
  }

  /** Without device placement and colocation, which name nodes of the member's graph. */
  private static NodeDef clean(NodeDef.Builder node) {
    return node.clearDevice().removeAttr("_class").build();
  }

  /** One member: which of its nodes go in, and under which names. */
  private static final class MemberPlan {
    final int index;
    final MemberGraph graph;
    final boolean combine;
    final Map<String, NodeDef> nodes;
    /** This member's input placeholders → the shared (first member's) placeholder. */
    final Map<String, String> inputs = new HashMap<>();
    /** Signature key → this member's probabilities node for it. */
    final Map<String, String> probabilities = new LinkedHashMap<>();
    /** The nodes copied, inputs before the nodes that read them. */
    final List<String> closure;
    /** First member of an ensemble: its nodes downstream of its probabilities. */
    final Set<String> head = new HashSet<>();
    final Set<String> halfVariables = new HashSet<>();

    MemberPlan(int index, MemberGraph graph, MemberGraph host, boolean combine) {
      this.index = index;
      this.graph = graph;
      this.combine = combine;
      this.nodes = graph.nodes();
      matchSignatures(host);
      List<String> roots = new ArrayList<>();
      if (index == 0 || !combine) {
        graph.signatures().values().forEach(s -> s.getOutputsMap().values()
            .forEach(t -> roots.add(TensorRef.parse(t.getName()).node())));
      } else {
        roots.addAll(probabilityNodes());
      }
      closure = closure(roots);
      if (index == 0 && combine) {
        findHead();
      }
    }

    /** Checks this member's signatures against the first member's and maps the inputs. */
    private void matchSignatures(MemberGraph host) {
      Map<String, SignatureDef> own = graph.signatures();
      if (!own.keySet().equals(host.signatures().keySet())) {
        throw new IllegalArgumentException(graph.location() + " has the signatures "
            + own.keySet() + ", " + host.location() + " " + host.signatures().keySet()
            + ": an ensemble's members must have the same");
      }
      Map<String, NodeDef> hostNodes = host.nodes();
      host.signatures().forEach((key, hostSignature) -> {
        SignatureDef signature = own.get(key);
        if (!signature.getInputsMap().keySet().equals(hostSignature.getInputsMap().keySet())) {
          throw new IllegalArgumentException(graph.location() + "'s " + key + " signature "
              + "takes " + signature.getInputsMap().keySet() + ", " + host.location() + "'s "
              + hostSignature.getInputsMap().keySet());
        }
        hostSignature.getInputsMap().forEach((name, hostTensor) -> {
          TensorInfo tensor = signature.getInputsMap().get(name);
          if (tensor.getDtype() != hostTensor.getDtype()
              || !compatible(tensor.getTensorShape(), hostTensor.getTensorShape())) {
            throw new IllegalArgumentException(graph.location() + "'s " + key + " signature "
                + "takes " + name + " as " + describe(tensor) + ", " + host.location() + "'s as "
                + describe(hostTensor));
          }
          TensorRef hostRef = TensorRef.parse(hostTensor.getName());
          TensorRef ref = TensorRef.parse(tensor.getName());
          NodeDef hostNode = hostNodes.get(hostRef.node());
          if (hostRef.index() != 0 || ref.index() != 0 || hostNode == null
              || !hostNode.getOp().equals("Placeholder")) {
            throw new IllegalArgumentException(host.location() + "'s " + key + " signature "
                + "takes " + name + " from " + hostTensor.getName() + ", not a placeholder");
          }
          String previous = inputs.put(ref.node(), hostRef.node());
          if (previous != null && !previous.equals(hostRef.node())) {
            throw new IllegalArgumentException(graph.location() + " feeds " + ref.node()
                + " from two inputs the first member keeps apart");
          }
        });
        TensorInfo probability = signature.getOutputsMap().getOrDefault(
            ServingSignature.PROBABILITIES, own.getOrDefault(ServingSignature.KEY,
                SignatureDef.getDefaultInstance()).getOutputsMap()
                .get(ServingSignature.PROBABILITIES));
        if (probability == null || probability.getDtype() != DataType.DT_FLOAT
            || TensorRef.parse(probability.getName()).index() != 0) {
          throw new IllegalArgumentException(graph.location() + ": neither its " + key
              + " signature nor " + ServingSignature.KEY + " returns float "
              + ServingSignature.PROBABILITIES + ", which an ensemble averages");
        }
        probabilities.put(key, TensorRef.parse(probability.getName()).node());
      });
    }

    Set<String> probabilityNodes() {
      return new LinkedHashSet<>(probabilities.values());
    }

    /**
     * This member's probabilities for the signatures whose probabilities are {@code hostNode}
     * in the first member, whose choice per signature is {@code hostBySignature}.
     */
    String probabilityMatching(Map<String, String> hostBySignature, String hostNode) {
      Set<String> matching = new LinkedHashSet<>();
      hostBySignature.forEach((key, node) -> {
        if (node.equals(hostNode)) {
          matching.add(probabilities.get(key));
        }
      });
      if (matching.size() != 1) {
        throw new IllegalArgumentException(graph.location() + " returns the probabilities of "
            + "its signatures from other tensors than the first member does: " + matching);
      }
      return matching.iterator().next();
    }

    /** Every node {@code roots} need, inputs first; the shared inputs are not copied. */
    private List<String> closure(List<String> roots) {
      List<String> order = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      Deque<String> stack = new ArrayDeque<>();
      for (String root : roots) {
        if (!inputs.containsKey(root) && seen.add(root)) {
          stack.push(root);
        }
        while (!stack.isEmpty()) {
          NodeDef node = node(stack.peek());
          String next = null;
          for (String input : node.getInputList()) {
            String source = TensorRef.parse(input).node();
            if (!inputs.containsKey(source) && seen.add(source)) {
              next = source;
              break;
            }
          }
          if (next != null) {
            stack.push(next);
          } else {
            stack.pop();
            order.add(node.getName());
            check(node);
          }
        }
      }
      return order;
    }

    private NodeDef node(String name) {
      NodeDef node = nodes.get(name);
      if (node == null) {
        throw new IllegalArgumentException(graph.location() + "/saved_model.pb is damaged: "
            + "a node reads " + name + ", which it does not hold");
      }
      return node;
    }

    private void check(NodeDef node) {
      if (node.getOp().equals("Placeholder")) {
        throw new IllegalArgumentException(graph.location() + ": serving reads the "
            + "placeholder " + node.getName() + ", which no signature takes as input");
      }
      if (node.getOp().startsWith("Var") && !node.getOp().equals("VariableV2")) {
        throw new IllegalArgumentException(graph.location() + ": " + node.getName() + " is a "
            + node.getOp() + "; an ensemble reads only VariableV2 variables, as yt8m train "
            + "writes them");
      }
    }

    /**
     * The nodes that read the probabilities, and a check that no signature output reads the
     * weights any other way (the ensemble's would then be this member's alone).
     */
    private void findHead() {
      Set<String> probabilityNodes = probabilityNodes();
      Set<String> weightsApart = new HashSet<>();
      for (String name : closure) {
        NodeDef node = nodes.get(name);
        boolean downstream = false;
        boolean apart = node.getOp().equals("VariableV2");
        for (String input : node.getInputList()) {
          String source = TensorRef.parse(input).node();
          downstream |= probabilityNodes.contains(source) || head.contains(source);
          apart |= !probabilityNodes.contains(source) && weightsApart.contains(source);
        }
        if (downstream) {
          head.add(name);
        }
        if (apart) {
          weightsApart.add(name);
        }
      }
      graph.signatures().forEach((key, signature) -> signature.getOutputsMap()
          .forEach((name, tensor) -> {
            String node = TensorRef.parse(tensor.getName()).node();
            if (!probabilityNodes.contains(node) && weightsApart.contains(node)) {
              throw new IllegalArgumentException(graph.location() + "'s " + key
                  + " signature computes " + name + " from the weights other than through "
                  + ServingSignature.PROBABILITIES + ": an ensemble cannot combine it");
            }
          }));
    }

    /** The name of this member's node {@code name} in the merged graph. */
    String nodeName(String name) {
      if (!combine || (index == 0 && head.contains(name))) {
        return name;
      }
      return "member_" + index + "/" + name;
    }

    /** What a reference to {@code ref} in this member reads in the merged graph. */
    TensorRef rewrite(TensorRef ref) {
      String source = ref.node();
      if (inputs.containsKey(source)) {
        return ref.withNode(inputs.get(source));
      }
      if (!ref.control() && halfVariables.contains(source)) {
        return ref.withNode(nodeName(source) + AS_FLOAT32);
      }
      if (combine && index == 0 && probabilities.containsValue(source)) {
        return ref; // the mean, which takes the name of this member's probabilities
      }
      return ref.withNode(nodeName(source));
    }

    void emit(GraphDef.Builder merged, List<Variable> variables, ExportPrecision precision) {
      for (String name : closure) {
        NodeDef node = nodes.get(name);
        if (node.getOp().equals("VariableV2") && precision == ExportPrecision.FLOAT16
            && node.getAttrOrThrow("dtype").getType() == DataType.DT_FLOAT) {
          halfVariables.add(name);
        }
      }
      for (String name : closure) {
        NodeDef node = nodes.get(name);
        NodeDef.Builder copy = node.toBuilder().setName(nodeName(name)).clearInput();
        for (String input : node.getInputList()) {
          copy.addInput(rewrite(TensorRef.parse(input)).asInput());
        }
        if (node.getOp().equals("VariableV2")) {
          DataType stored = node.getAttrOrThrow("dtype").getType();
          if (halfVariables.contains(name)) {
            stored = DataType.DT_HALF;
            copy.putAttr("dtype", type(stored));
            merged.addNode(NodeDef.newBuilder().setName(nodeName(name) + AS_FLOAT32)
                .setOp("Cast").addInput(nodeName(name)).putAttr("SrcT", type(DataType.DT_HALF))
                .putAttr("DstT", type(DataType.DT_FLOAT))
                .putAttr("Truncate", AttrValue.newBuilder().setB(false).build()));
          }
          variables.add(new Variable(index, name, nodeName(name), stored));
        }
        merged.addNode(clean(copy));
      }
    }
  }

  private static AttrValue type(DataType type) {
    return AttrValue.newBuilder().setType(type).build();
  }

  private static boolean compatible(TensorShapeProto a, TensorShapeProto b) {
    if (a.getUnknownRank() || b.getUnknownRank()) {
      return true;
    }
    if (a.getDimCount() != b.getDimCount()) {
      return false;
    }
    for (int d = 0; d < a.getDimCount(); d++) {
      long x = a.getDim(d).getSize();
      long y = b.getDim(d).getSize();
      if (x >= 0 && y >= 0 && x != y) {
        return false;
      }
    }
    return true;
  }

  private static String describe(TensorInfo tensor) {
    StringBuilder shape = new StringBuilder("[");
    for (TensorShapeProto.Dim dim : tensor.getTensorShape().getDimList()) {
      shape.append(shape.length() > 1 ? ", " : "").append(dim.getSize());
    }
    return tensor.getDtype() + " " + shape + "]";
  }

  /** A node's output as a graph names it: {@code name}, {@code name:1} or {@code ^name}. */
  record TensorRef(String node, int index, boolean control) {
    static TensorRef parse(String text) {
      if (text.startsWith("^")) {
        return new TensorRef(text.substring(1), 0, true);
      }
      int colon = text.lastIndexOf(':');
      if (colon > 0 && colon < text.length() - 1
          && text.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        return new TensorRef(text.substring(0, colon),
            Integer.parseInt(text.substring(colon + 1)), false);
      }
      return new TensorRef(text, 0, false);
    }

    TensorRef withNode(String name) {
      return new TensorRef(name, index, control);
    }

    /** As a node's input names it. */
    String asInput() {
      return control ? "^" + node : index == 0 ? node : node + ":" + index;
    }

    /** As a signature names it. */
    String asTensor() {
      return node + ":" + index;
    }
  }
}
