package org.yt8m.model.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.yt8m.model.export.EnsembleExport;
import org.yt8m.model.export.ExportFacts;
import org.yt8m.model.export.ExportPrecision;
import org.yt8m.model.nn.ServingSignature;

/**
 * The exported models of a training directory: {@code export/step_N/} (a SavedModel plus
 * {@code model_flags.json}, see {@link ServingSignature} for the contract) and the pointer
 * {@code export/latest}, written last, naming the newest.
 *
 * <p>An export is staged in local scratch, {@code model_flags.json} included, and copied in
 * with {@link TrainDir#uploadDirectory}: on local disk under a temporary name renamed into
 * place, elsewhere file by file with {@code model_flags.json} last. So an export directory is
 * complete exactly when its {@code model_flags.json} is there; readers ({@link #all}) take no
 * other, and {@link #deleteIncomplete} removes what a killed export left.
 */
public final class Exports {
  public static final String DIRECTORY = "export";
  public static final String LATEST = DIRECTORY + "/latest";
  private static final Pattern STEP_DIR = Pattern.compile("step_(\\d+)");
  private static final String WEIGHTS_INDEX = "variables/variables.index";

  private final TrainDir dir;
  private final ExportPrecision precision;

  public Exports(TrainDir dir) {
    this(dir, ExportPrecision.FLOAT32);
  }

  /** The exports of {@code dir}, written with their weights stored at {@code precision}. */
  public Exports(TrainDir dir, ExportPrecision precision) {
    this.dir = dir;
    this.precision = precision;
  }

  /** The name ({@code step_N}) of the export of {@code step}. */
  public static String name(long step) {
    return "step_" + step;
  }

  /**
   * The marker a scheduled evaluation leaves for export {@code name} once it needs no launch
   * ({@code eval/step_N/settled}, written by {@code evaluate}). Writing the export again
   * removes it first, so that new weights under an old name are evaluated too.
   */
  public static String evaluationMarker(String name) {
    return "eval/" + name + "/settled";
  }

  /** The step of an export's name, or -1 when it is not one. */
  public static long step(String name) {
    return STEP_DIR.matcher(name).matches() ? Long.parseLong(name.substring(5)) : -1;
  }

  /**
   * Exports {@code session}'s signatures (see {@link ServingSignature}) as {@code export/step_N}
   * of the training run {@code run}, then points {@code export/latest} at it.
   *
   * @return the export's size and precision, which its {@code model_flags.json} records
   */
  public ExportFacts export(Session session, List<Signature> signatures, ModelFlags flags,
      RunId run, long step, Path scratch) throws IOException {
    Path staging = scratch.resolve("export-" + step);
    Files.createDirectories(staging.getParent());
    try {
      SavedModelBundle.exporter(staging.toString()).withTags(ServingSignature.TAG)
          .withSession(session).withSignatures(signatures.toArray(Signature[]::new)).export();
      EnsembleExport.recast(staging, precision);
      return publish(staging, flags.toJson(run), step);
    } finally {
      if (Files.exists(staging)) {
        MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  /**
   * Copies in the SavedModel in {@code staging} (local, written at this precision) as
   * {@code export/step_N} with {@code flagsJson} and the export's {@link ExportFacts} as its
   * {@code model_flags.json}, then points {@code export/latest} at it.
   */
  public ExportFacts publish(Path staging, String flagsJson, long step) throws IOException {
    ExportFacts facts = ExportFacts.of(staging, precision);
    Files.writeString(staging.resolve(ModelFlags.FILE_NAME), facts.addTo(flagsJson));
    String name = name(step);
    if (latest().equals(Optional.of(DIRECTORY + "/" + name))) {
      // Replaced (a resumed run exporting a step again): no pointer until the new one is
      // whole rather than one to a directory being replaced.
      dir.delete(LATEST);
    }
    dir.delete(evaluationMarker(name));
    dir.uploadDirectory(staging, DIRECTORY + "/" + name, ModelFlags.FILE_NAME);
    dir.writeString(LATEST, name + "\n");
    return facts;
  }

  /**
   * The export {@code export/latest} names ({@code export/step_N}), or empty when there is no
   * pointer.
   *
   * @throws IOException when the pointer names something other than a directory of
   *     {@code export/} (a path with {@code /} or {@code ..}): a model is read only from its
   *     own trainDir
   */
  public Optional<String> latest() throws IOException {
    Optional<String> name = dir.readString(LATEST).map(String::strip).filter(s -> !s.isEmpty());
    if (name.isPresent() && !isEntryName(name.get())) {
      throw new IOException(dir.location() + "/" + LATEST + " names \"" + name.get()
          + "\", which is not a directory of " + dir.location() + "/" + DIRECTORY
          + ": it must name one of its exports (step_N); rewrite it, or delete it and train");
    }
    return name.map(n -> DIRECTORY + "/" + n);
  }

  /** Removes {@code export/latest}: a new model (--startNewModel) has no export yet. */
  public void forgetLatest() throws IOException {
    dir.delete(LATEST);
  }

  /**
   * Every complete export's name ({@code step_N}, its {@code model_flags.json} written, which
   * comes after the model's files), by ascending step.
   */
  public List<String> all() throws IOException {
    List<String> complete = new ArrayList<>();
    for (String name : stepDirectories()) {
      if (dir.exists(DIRECTORY + "/" + name + "/" + ModelFlags.FILE_NAME)) {
        complete.add(name);
      }
    }
    complete.sort(Comparator.comparingLong(Exports::step));
    return complete;
  }

  /** The training run the export {@code name} ({@code step_N}) belongs to. */
  public RunId runOf(String name) throws IOException {
    return RunId.recordedIn(dir, DIRECTORY + "/" + name);
  }

  /**
   * Deletes what killed exports left in {@code export/}: staged copies under temporary names,
   * and {@code step_N} directories with neither {@code model_flags.json} nor the weights'
   * index (cut short mid-copy, by this version on an object store or by an older one anywhere).
   * A directory with the weights but no {@code model_flags.json} may be the starter code's own
   * export, which has none: it is left alone, and ignored like every incomplete one. Call it
   * only while no export is being written (the trainer holds its lease).
   *
   * @return the paths deleted, relative to the training directory
   */
  public List<String> deleteIncomplete() throws IOException {
    List<String> deleted = new ArrayList<>();
    for (String name : dir.deleteTemporaries(DIRECTORY, Duration.ZERO)) {
      deleted.add(DIRECTORY + "/" + name);
    }
    for (String name : stepDirectories()) {
      String path = DIRECTORY + "/" + name;
      if (!dir.exists(path + "/" + ModelFlags.FILE_NAME)
          && !dir.exists(path + "/" + WEIGHTS_INDEX)) {
        dir.deleteDirectory(path);
        deleted.add(path);
      }
    }
    return deleted;
  }

  private List<String> stepDirectories() throws IOException {
    List<String> names = new ArrayList<>();
    for (String entry : dir.list(DIRECTORY)) {
      String name = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
      if (step(name) >= 0) {
        names.add(name);
      }
    }
    return names;
  }

  private static boolean isEntryName(String name) {
    return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
        && name.indexOf('\\') < 0;
  }
}
