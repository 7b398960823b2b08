package org.yt8m.model.export;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.yt8m.model.nn.ServingSignature;

/**
 * One export as {@link EnsembleGraph} reads it: the serving meta graph of its
 * {@code saved_model.pb} (nodes and signatures) and the prefix of its weights' checkpoint,
 * read as files, without loading the model into a session.
 *
 * @param location where the export is, for messages
 * @param meta the meta graph tagged {@value ServingSignature#TAG}
 * @param checkpoint the weights' checkpoint prefix ({@code variables/variables})
 */
record MemberGraph(String location, MetaGraphDef meta, Path checkpoint) {

  /** The export in {@code dir} (a local copy of {@code location}). */
  static MemberGraph read(Path dir, String location) throws IOException {
    Path file = dir.resolve("saved_model.pb");
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException(location + " has no saved_model.pb: not an exported "
          + "model (trainDir/export/step_N)");
    }
    if (!Files.isRegularFile(dir.resolve("variables/variables.index"))) {
      throw new FileNotFoundException(location + " is incomplete: it has no "
          + "variables/variables.index (the model's weights)");
    }
    SavedModel model;
    try (InputStream in = Files.newInputStream(file)) {
      model = SavedModel.parseFrom(in);
    } catch (IOException e) {
      throw new IOException(location + "/saved_model.pb is damaged: " + e.getMessage(), e);
    }
    MetaGraphDef meta = model.getMetaGraphsList().stream()
        .filter(m -> m.getMetaInfoDef().getTagsList().contains(ServingSignature.TAG))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(location
            + "/saved_model.pb has no graph tagged \"" + ServingSignature.TAG + "\""));
    if (meta.getGraphDef().getLibrary().getFunctionCount() > 0) {
      throw new IllegalArgumentException(location + "/saved_model.pb defines graph functions, "
          + "which an ensemble cannot rename apart: only exports of yt8m train are supported");
    }
    return new MemberGraph(location, meta, dir.resolve("variables/variables"));
  }

  /** The graph's nodes by name. */
  Map<String, NodeDef> nodes() {
    Map<String, NodeDef> nodes = new LinkedHashMap<>();
    for (NodeDef node : meta.getGraphDef().getNodeList()) {
      nodes.put(node.getName(), node);
    }
    return nodes;
  }

  Map<String, SignatureDef> signatures() {
    return meta.getSignatureDefMap();
  }
}
