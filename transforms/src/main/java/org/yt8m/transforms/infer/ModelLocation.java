package org.yt8m.transforms.infer;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Optional;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.TrainDir;
import org.yt8m.transforms.io.FileSystemsTrainDir;

/**
 * Which exported model a job scores with, resolved once when the pipeline is built: the export a
 * training directory's {@code export/latest} names, or one export directory, local or anywhere
 * Beam's FileSystems reach. Resolving on the launcher means every worker scores with the same
 * step while training goes on exporting. Workers {@link #fetch} it to local disk, since
 * TensorFlow loads SavedModels from local paths only.
 */
public final class ModelLocation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String exportDir;
  private final String flagsJson;

  private ModelLocation(String exportDir, String flagsJson) {
    this.exportDir = exportDir;
    this.flagsJson = flagsJson;
  }

  /** The export that {@code trainDir}'s {@code export/latest} names. */
  public static ModelLocation latestIn(String trainDir) throws IOException {
    String root = withoutSlash(trainDir);
    String export = new Exports(FileSystemsTrainDir.of(root)).latest()
        .orElseThrow(() -> new FileNotFoundException(root + " holds no exported model: "
            + Exports.LATEST + " is missing (yt8m train exports there)"));
    return export(root + "/" + export);
  }

  /** The export in {@code exportDir} (a {@code trainDir/export/step_N} directory). */
  public static ModelLocation export(String exportDir) throws IOException {
    String dir = withoutSlash(exportDir);
    String json = FileSystemsTrainDir.of(dir).readString(ModelFlags.FILE_NAME)
        .orElseThrow(() -> new FileNotFoundException(dir + " has no " + ModelFlags.FILE_NAME
            + ": not a model exported by yt8m train (trainDir/export/step_N)"));
    ModelLocation location = new ModelLocation(dir, json);
    location.flags(); // fails now, naming the file, if it is not valid
    return location;
  }

  /** Where the export is: the key under which workers share the loaded model. */
  public String exportDir() {
    return exportDir;
  }

  /** The training run's {@code model_flags.json}: model, features, frame mode, classes. */
  public ModelFlags flags() {
    return ModelFlags.fromJson(flagsJson, exportDir + "/" + ModelFlags.FILE_NAME);
  }

  /** The export on local disk: its own directory when local, else a copy under scratch. */
  public Path fetch(Path scratch) throws IOException {
    TrainDir dir = FileSystemsTrainDir.of(exportDir);
    Optional<Path> local = dir.localPath();
    return local.isPresent() ? local.get() : copy(dir, scratch);
  }

  /** Copies every file of {@code dir} under {@code target}; returns {@code target}. */
  static Path copy(TrainDir dir, Path target) throws IOException {
    copyBelow(dir, "", target);
    return target;
  }

  private static void copyBelow(TrainDir dir, String directory, Path target)
      throws IOException {
    for (String name : dir.list(directory)) {
      String relative = directory.isEmpty() ? name : directory + "/" + name;
      if (dir.list(relative).isEmpty()) { // a file: object stores have no empty directories
        dir.download(relative, target.resolve(relative));
      } else {
        copyBelow(dir, relative, target);
      }
    }
  }

  private static String withoutSlash(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }

  @Override
  public String toString() {
    return exportDir;
  }
}
