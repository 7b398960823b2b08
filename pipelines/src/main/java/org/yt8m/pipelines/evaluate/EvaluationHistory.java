package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.summary.EventFileWriter;

/**
 * What accumulates across evaluations of a training run, so a person can watch a model
 * improve: one JSON line per evaluation in {@code trainDir/eval/history.jsonl}, and one point
 * per figure in the eval TensorBoard log ({@code trainDir/eval/events.out.tfevents.*}, the
 * run TensorBoard shows as "eval" beside the training curves), at the export's global step.
 *
 * <p>Written by the job itself, not the program that launched it: a Dataflow template's
 * launcher is gone before the job ends. Appending rewrites the small history file whole;
 * evaluations of one directory do not run concurrently (the scheduled job has a fixed name,
 * and Dataflow refuses a second job of that name while one runs).
 */
final class EvaluationHistory {
  static final String HISTORY_FILE = ModelVersion.EVAL_DIRECTORY + "/history.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationHistory() {}

  /** Records {@code metricsJson} (metrics.json's content) of {@code version}. */
  static void record(TrainDir dir, ModelVersion version, String metricsJson)
      throws IOException {
    JsonNode metrics = JSON.readTree(metricsJson);
    ObjectNode line = JSON.createObjectNode();
    line.put("model_version", version.name());
    line.put("global_step", version.step());
    for (String key : new String[] {"examples", "hit_at_one", "perr", "gap", "map", "loss",
        "num_classes_with_positives", "top_k", "eval_data_pattern", "evaluated_at"}) {
      if (metrics.has(key)) {
        line.set(key, metrics.get(key));
      }
    }
    String history = dir.readString(HISTORY_FILE).orElse("");
    String entry = JSON.writeValueAsString(line);
    if (history.lines().anyMatch(entry::equals)) {
      return; // a retried step of the same evaluation: recorded already
    }
    dir.writeString(HISTORY_FILE, history + entry + "\n");
    logEvent(dir, version.step(), metrics);
  }

  private static void logEvent(TrainDir dir, long step, JsonNode metrics) throws IOException {
    Map<String, Double> scalars = new LinkedHashMap<>();
    scalars.put("Eval/Hit@1", metrics.get("hit_at_one").asDouble());
    scalars.put("Eval/PERR", metrics.get("perr").asDouble());
    scalars.put("Eval/GAP", metrics.get("gap").asDouble());
    scalars.put("Eval/mAP", metrics.get("map").asDouble());
    if (metrics.hasNonNull("loss")) {
      scalars.put("Eval/Loss", metrics.get("loss").asDouble());
    }
    Optional<Path> local = dir.localPath();
    Path eventDir = local.isPresent()
        ? local.get().resolve(ModelVersion.EVAL_DIRECTORY)
        : Files.createTempDirectory("yt8m-eval-events");
    try (EventFileWriter writer = EventFileWriter.open(eventDir)) {
      writer.scalars(step, scalars);
      writer.close();
      if (local.isEmpty()) {
        dir.upload(writer.file(), ModelVersion.EVAL_DIRECTORY + "/"
            + writer.file().getFileName());
      }
    } finally {
      if (local.isEmpty()) {
        MoreFiles.deleteRecursively(eventDir, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }
}
