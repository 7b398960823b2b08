package org.yt8m.model.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.yt8m.model.nn.ServingSignature;

/**
 * The exported models of a training directory: {@code export/step_N/} (a SavedModel plus
 * {@code model_flags.json}, see {@link ServingSignature} for the contract) and the pointer
 * {@code export/latest}, written last, naming the newest.
 */
public final class Exports {
  public static final String DIRECTORY = "export";
  public static final String LATEST = DIRECTORY + "/latest";
  private static final Pattern STEP_DIR = Pattern.compile("step_(\\d+)");

  private final TrainDir dir;

  public Exports(TrainDir dir) {
    this.dir = dir;
  }

  /** The name ({@code step_N}) of the export of {@code step}. */
  public static String name(long step) {
    return "step_" + step;
  }

  /** The step of an export's name, or -1 when it is not one. */
  public static long step(String name) {
    return STEP_DIR.matcher(name).matches() ? Long.parseLong(name.substring(5)) : -1;
  }

  /**
   * Exports {@code session}'s signatures (see {@link ServingSignature}) as {@code export/step_N}, then points
   * {@code export/latest} at it.
   */
  public void export(Session session, List<Signature> signatures, ModelFlags flags, long step,
      Path scratch) throws IOException {
    Path staging = scratch.resolve("export-" + step);
    Files.createDirectories(staging.getParent());
    try {
      SavedModelBundle.exporter(staging.toString()).withTags(ServingSignature.TAG)
          .withSession(session).withSignatures(signatures.toArray(Signature[]::new)).export();
      String target = DIRECTORY + "/" + name(step);
      // An export of this step from a replaced model (--startNewModel) is incomplete from now on.
      dir.delete(target + "/" + ModelFlags.FILE_NAME);
      for (Path file : Checkpoints.files(staging)) {
        dir.upload(file, target + "/" + staging.relativize(file).toString().replace('\\', '/'));
      }
      dir.writeString(target + "/" + ModelFlags.FILE_NAME, flags.toJson());
      dir.writeString(LATEST, name(step) + "\n");
    } finally {
      if (Files.exists(staging)) {
        MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  /** The export {@code export/latest} names, relative to the training directory. */
  public Optional<String> latest() throws IOException {
    return dir.readString(LATEST).map(String::strip).filter(s -> !s.isEmpty())
        .map(name -> DIRECTORY + "/" + name);
  }

  /**
   * Every complete export's name ({@code step_N}, its {@code model_flags.json} written, which
   * comes after the model's files), by ascending step.
   */
  public List<String> all() throws IOException {
    List<String> complete = new ArrayList<>();
    for (String entry : dir.list(DIRECTORY)) {
      String name = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
      if (step(name) >= 0 && dir.exists(DIRECTORY + "/" + name + "/" + ModelFlags.FILE_NAME)) {
        complete.add(name);
      }
    }
    complete.sort(Comparator.comparingLong(Exports::step));
    return complete;
  }
}
