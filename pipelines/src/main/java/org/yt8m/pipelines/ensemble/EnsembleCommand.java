package org.yt8m.pipelines.ensemble;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.yt8m.model.export.EnsembleExport;
import org.yt8m.model.export.EnsembleFlags;
import org.yt8m.model.export.ExportFacts;
import org.yt8m.model.export.ExportPrecision;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.RunId;
import org.yt8m.model.train.ScratchDirectory;
import org.yt8m.model.train.TrainDir;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.io.FileSystemsTrainDir;

/**
 * {@code yt8m ensemble}: one export whose probabilities are the weighted mean of several
 * exports' ({@link EnsembleExport}), written as a training directory with one export so that
 * {@code infer} and {@code evaluate} take it as they take any model. Not a Beam job.
 *
 * <p>The output is written as the trainer writes an export: {@code model_flags.json} first,
 * then {@code export/step_0} whole (staged and committed by its own {@code model_flags.json}),
 * then {@code export/latest}; readers go by {@code export/latest}, so a killed run leaves
 * the previous ensemble or one they refuse.
 */
public final class EnsembleCommand {
  /** The step the ensemble's one export is named by. */
  static final long STEP = 0;

  private EnsembleCommand() {}

  /** Writes the ensemble {@code options} describe and prints what it wrote. */
  public static ExportFacts execute(EnsembleOptions options, PrintStream out)
      throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    ExportPrecision precision = ExportPrecision.byName(options.getExportPrecision());
    List<ModelLocation> models = new ArrayList<>();
    for (String dir : list("modelDirs", options.getModelDirs())) {
      models.add(resolve(dir));
    }
    double[] weights = weights(options.getWeights(), models.size());
    JobPaths paths = JobPaths.of(options);
    for (ModelLocation model : models) {
      paths = paths.input("modelDirs", model.exportDir() + "/**");
    }
    paths.outputDirectory("outputDir", options.getOutputDir()).check();
    TrainDir output = FileSystemsTrainDir.of(withoutSlash(options.getOutputDir()));
    requireNoTrainingRun(output);
    List<EnsembleFlags.Member> flagged = new ArrayList<>();
    for (ModelLocation model : models) {
      flagged.add(new EnsembleFlags.Member(model.exportDir(), model.flags()));
    }
    EnsembleFlags.requireCompatible(flagged);

    try (ScratchDirectory scratch = ScratchDirectory.create("ensemble")) {
      List<EnsembleExport.Member> members = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        ModelLocation model = models.get(i);
        members.add(new EnsembleExport.Member(
            model.fetch(scratch.path().resolve("member-" + i)), model.exportDir(),
            weights[i]));
      }
      double[] normalized = EnsembleExport.normalizedWeights(members);
      Path staged = scratch.path().resolve("ensemble");
      EnsembleExport.write(members, precision, staged);
      String json = EnsembleFlags.json(flagged, normalized, RunId.start(Clock.systemUTC()));
      output.writeString(ModelFlags.FILE_NAME, json);
      ExportFacts facts = new Exports(output, precision).publish(staged, json, STEP);
      for (int i = 0; i < models.size(); i++) {
        out.printf(Locale.ROOT, "member %s (%s), weight %.4f%n", models.get(i).exportDir(),
            flagged.get(i).flags().model(), normalized[i]);
      }
      out.printf(Locale.ROOT, "wrote %s/%s/%s (%s): infer and evaluate take --trainDir=%s%n",
          output.location(), Exports.DIRECTORY, Exports.name(STEP), facts, output.location());
      return facts;
    }
  }

  /** An export directory, or a training directory's latest export. */
  private static ModelLocation resolve(String dir) throws IOException {
    boolean trainDir = FileSystemsTrainDir.of(withoutSlash(dir)).exists(Exports.LATEST);
    return trainDir ? ModelLocation.latestIn(dir) : ModelLocation.export(dir);
  }

  /**
   * Refuses to write over a training run: {@code model_flags.json} that lists no members is a
   * trainer's, whose model and exports the ensemble would replace.
   */
  private static void requireNoTrainingRun(TrainDir output) throws IOException {
    Optional<String> flags = output.readString(ModelFlags.FILE_NAME);
    if (flags.isPresent() && !EnsembleFlags.isEnsemble(flags.get())) {
      throw new IllegalArgumentException("--outputDir=" + output.location() + " holds a "
          + "training run (its " + ModelFlags.FILE_NAME + " is a trainer's): write the "
          + "ensemble to a directory of its own");
    }
  }

  /** The weights {@code --weights} gives, or equal ones. */
  static double[] weights(String flag, int members) {
    if (flag == null) {
      double[] equal = new double[members];
      Arrays.fill(equal, 1);
      return equal;
    }
    List<String> values = list("weights", flag);
    if (values.size() != members) {
      throw new IllegalArgumentException("--weights has " + values.size() + " value"
          + (values.size() == 1 ? "" : "s") + " for " + members + " --modelDirs: give one "
          + "weight per member");
    }
    double[] weights = new double[members];
    double total = 0;
    for (int i = 0; i < members; i++) {
      try {
        weights[i] = Double.parseDouble(values.get(i));
      } catch (NumberFormatException e) {
        weights[i] = Double.NaN;
      }
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("--weights: weight " + (i + 1) + " is \""
            + values.get(i) + "\"; a weight is a number >= 0");
      }
      total += weights[i];
    }
    if (total == 0) {
      throw new IllegalArgumentException("--weights=" + flag + " are all 0: give a member a "
          + "positive weight");
    }
    return weights;
  }

  /** A comma-separated flag's entries, none empty. */
  private static List<String> list(String flag, String value) {
    List<String> entries = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
    if (entries.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("--" + flag + "=" + value + " has an empty entry: "
          + "give a comma-separated list");
    }
    return entries;
  }

  private static String withoutSlash(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }
}
