package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.ScratchDirectory;
import org.yt8m.model.train.TrainDir;
import org.yt8m.model.train.summary.EventFileWriter;
import org.yt8m.model.train.summary.EventLogs;

/**
 * What accumulates across evaluations of a training run, so a person can watch a model
 * improve: one JSON line per evaluation in {@code trainDir/eval/history.jsonl}, and one point
 * per figure in the eval TensorBoard log ({@code trainDir/eval/events.out.tfevents.*}, the
 * run TensorBoard shows as "eval" beside the training curves), at the export's global step.
 *
 * <p>The line is an evaluation's commit: it is appended last, after the job has written the
 * evaluation's outputs and its TensorBoard point, and {@code --onlyNew} counts an export as
 * evaluated only when its line is there ({@link #evaluated}). A killed evaluation is redone; its
 * redo first deletes the event file the killed one may have left (each is named after its
 * export, {@code events.out.tfevents.*.RUN.step_N}), and a retried step that finds its line
 * does nothing, so each export has one line and one point. Lines carry the export's
 * {@code run_id} (none: the legacy run); when the trainDir's run evaluates, the event files of
 * other runs go, as the trainer drops a replaced model's training curves, while their lines stay.
 *
 * <p>Written by the job itself, not the program that launched it: a Dataflow template's
 * launcher is gone before the job ends. Appending rewrites the small history file whole;
 * evaluations of one directory do not run concurrently (the scheduled job has a fixed name,
 * and Dataflow refuses a second job of that name while one runs).
 */
final class EvaluationHistory {
  static final String HISTORY_FILE = ModelVersion.EVAL_DIRECTORY + "/history.jsonl";
  private static final Logger LOG = Logger.getLogger(EvaluationHistory.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How an eval event file names its run and export: {@code *.RUN.step_N}. */
  private static final Pattern EVENT_FILE_EXPORT = Pattern.compile(
      "\\.([A-Za-z0-9-]+)\\.(step_\\d+)$");

  private EvaluationHistory() {}

  /** The exports of {@code run} whose evaluation committed: those with a history line. */
  static Set<String> evaluated(TrainDir dir, RunId run) throws IOException {
    return lines(dir).stream().filter(line -> runOf(line).equals(run))
        .map(line -> line.path("model_version").asText()).collect(Collectors.toSet());
  }

  /**
   * Deletes the temporaries that killed evaluations left in {@code eval/} (of the history and
   * the event files). One being written by an evaluation running at the same moment goes too:
   * that evaluation then fails before it commits, and is redone.
   */
  static void deleteInterruptedWrites(TrainDir dir) throws IOException {
    for (String name : dir.deleteTemporaries(ModelVersion.EVAL_DIRECTORY, Duration.ZERO)) {
      LOG.info("deleted " + dir.location() + "/" + ModelVersion.EVAL_DIRECTORY + "/" + name
          + ", left by an interrupted evaluation");
    }
  }

  /** Records {@code metricsJson} (metrics.json's content) of {@code version}, once. */
  static void record(TrainDir dir, ModelVersion version, String metricsJson)
      throws IOException {
    if (evaluated(dir, version.run()).contains(version.name())) {
      settle(dir, version.name(), "evaluated"); // a retried step: recorded, maybe not settled
      return;
    }
    JsonNode metrics = JSON.readTree(metricsJson);
    ObjectNode line = JSON.createObjectNode();
    line.put("model_version", version.name());
    line.put("global_step", version.step());
    line.put(RunId.KEY, version.run().value());
    for (String key : new String[] {"examples", "hit_at_one", "perr", "gap", "map", "loss",
        "num_classes_with_positives", "top_k", "segment_labels", "top_n", "rated_cells",
        "eval_data_pattern", "evaluated_at"}) {
      if (metrics.has(key)) {
        line.set(key, metrics.get(key));
      }
    }
    logEvent(dir, version, metrics);
    String history = dir.readString(HISTORY_FILE).orElse("");
    if (!history.isEmpty() && !history.endsWith("\n")) {
      history += "\n"; // a line cut short by hand: keep it apart from ours
    }
    dir.writeString(HISTORY_FILE, history + JSON.writeValueAsString(line) + "\n");
    settle(dir, version.name(), "evaluated");
  }

  /**
   * Marks every export that needs no evaluation settled: those of the
   * current run with a history line, and those of replaced runs. Repairs what a kill between a
   * history line and its marker left, and quiets the gate after {@code --startNewModel}.
   */
  static void settleAll(TrainDir dir) throws IOException {
    RunId current = RunId.recordedIn(dir, "");
    Set<String> evaluated = evaluated(dir, current);
    Exports exports = new Exports(dir);
    for (String name : exports.all()) {
      if (dir.readString(settledPath(name)).isPresent()) {
        continue;
      }
      RunId run = exports.runOf(name);
      if (!run.equals(current)) {
        settle(dir, name, "of the replaced run " + run);
      } else if (evaluated.contains(name)) {
        settle(dir, name, "evaluated");
      }
    }
  }

  private static void settle(TrainDir dir, String name, String reason) throws IOException {
    ObjectNode marker = JSON.createObjectNode();
    marker.put("model_version", name);
    marker.put("settled", reason);
    dir.writeString(settledPath(name), JSON.writeValueAsString(marker) + "\n");
  }

  /**
   * {@code eval/step_N/settled}: the scheduled evaluation's gate need not launch for export
   * {@code step_N}, because its evaluation committed (its history line is written) or it belongs
   * to a run that {@code --startNewModel} replaced. Written after the history line, repaired by
   * every {@code --onlyNew} run, and removed when the trainer writes the export again, so the
   * gate and {@code --onlyNew} agree.
   */
  static String settledPath(String exportName) {
    return Exports.evaluationMarker(exportName);
  }

  private static void logEvent(TrainDir dir, ModelVersion version, JsonNode metrics)
      throws IOException {
    Map<String, Double> scalars = new LinkedHashMap<>();
    if (metrics.path("segment_labels").asBoolean()) {
      scalars.put("Eval/Segment_mAP", metrics.get("map").asDouble());
    } else {
      scalars.put("Eval/Hit@1", metrics.get("hit_at_one").asDouble());
      scalars.put("Eval/PERR", metrics.get("perr").asDouble());
      scalars.put("Eval/GAP", metrics.get("gap").asDouble());
      scalars.put("Eval/mAP", metrics.get("map").asDouble());
    }
    if (metrics.hasNonNull("loss")) {
      scalars.put("Eval/Loss", metrics.get("loss").asDouble());
    }
    String suffix = "." + version.run() + "." + version.name();
    boolean currentRun = version.run().equals(RunId.recordedIn(dir, ""));
    for (String name : dir.list(ModelVersion.EVAL_DIRECTORY)) {
      if (!EventLogs.isEventFile(name) || TrainDir.isTemporary(name)) {
        continue;
      }
      RunId run = runOfEventFile(name);
      if (name.endsWith(suffix) || (currentRun && !run.equals(version.run()))) {
        LOG.info("deleting " + dir.location() + "/" + ModelVersion.EVAL_DIRECTORY + "/" + name
            + (name.endsWith(suffix) ? ", left by an interrupted evaluation of "
                + version.name() : ", the eval curve of the replaced run " + run));
        dir.delete(ModelVersion.EVAL_DIRECTORY + "/" + name);
      }
    }
    try (ScratchDirectory scratch = ScratchDirectory.create("eval-events");
        EventFileWriter writer = EventFileWriter.open(scratch.path())) {
      writer.scalars(version.step(), scalars);
      writer.close();
      dir.upload(writer.file(), ModelVersion.EVAL_DIRECTORY + "/" + writer.file().getFileName()
          + suffix);
    }
  }

  private static List<JsonNode> lines(TrainDir dir) throws IOException {
    String history = dir.readString(HISTORY_FILE).orElse("");
    return history.lines().filter(l -> !l.isBlank()).map(EvaluationHistory::parse)
        .filter(JsonNode::isObject).toList();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      LOG.warning("ignoring a line of " + HISTORY_FILE + " that is not JSON: " + line);
      return JSON.missingNode();
    }
  }

  private static RunId runOf(JsonNode line) {
    JsonNode id = line.get(RunId.KEY);
    return id == null || !id.isTextual() ? RunId.LEGACY : new RunId(id.asText());
  }

  private static RunId runOfEventFile(String name) {
    Matcher matcher = EVENT_FILE_EXPORT.matcher(name);
    return matcher.find() ? new RunId(matcher.group(1)) : RunId.LEGACY;
  }
}
