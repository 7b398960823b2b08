package org.yt8m.model.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * The training run's checkpoints in {@code trainDir}, in TensorFlow's layout: the files
 * {@code model.ckpt-N.index} and {@code model.ckpt-N.data-*} and the pointer file
 * {@code checkpoint} ({@code model_checkpoint_path: "model.ckpt-N"}) that
 * {@code tf.train.latest_checkpoint} reads.
 *
 * <p>{@code Session.save} is not atomic, so a checkpoint is saved to local scratch, copied in
 * under its new prefix (each file whole: {@link TrainDir#upload}), and only then named by the
 * pointer, which is written whole. A crash at any point leaves the pointer on the previous
 * complete checkpoint; the files of one it never named are deleted by the next save. The newest
 * {@value #KEEP} are kept, as TF's Saver does by default. A pointer TF1's Saver wrote (with
 * absolute paths, as the starter's train.py leaves) is read too.
 */
public final class Checkpoints {
  public static final String POINTER = "checkpoint";
  static final int KEEP = 5;
  private static final String PREFIX = "model.ckpt-";
  private static final Pattern POINTER_LINE =
      Pattern.compile("(all_)?model_checkpoint_paths?: \"(?:[^\"]*/)?" + PREFIX
          + "(\\d+)\"");

  private final TrainDir dir;
  private final Path scratch;

  /** Checkpoints of {@code dir}, staged through the local directory {@code scratch}. */
  public Checkpoints(TrainDir dir, Path scratch) {
    this.dir = dir;
    this.scratch = scratch;
  }

  /** Forgets every checkpoint: the pointer goes, so nothing resumes from the old model. */
  public void forget() throws IOException {
    dir.delete(POINTER);
  }

  /** The step of the checkpoint the pointer names, if any. */
  public OptionalLong latestStep() throws IOException {
    List<Long> steps = pointedSteps();
    return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(0));
  }

  /** Saves every variable of {@code session} as the checkpoint of {@code step}. */
  public void save(Session session, long step) throws IOException {
    Path staging = Files.createDirectories(scratch.resolve("checkpoint-" + step));
    try {
      session.save(staging.resolve(PREFIX + step).toString());
      for (Path file : files(staging)) {
        dir.upload(file, file.getFileName().toString());
      }
      // The newest KEEP up to this step; later ones belong to a model --startNewModel replaced.
      List<Long> kept = new ArrayList<>();
      kept.add(step);
      pointedSteps().stream().filter(older -> older < step)
          .sorted(Comparator.reverseOrder()).limit(KEEP - 1).forEach(kept::add);
      dir.writeString(POINTER, pointer(kept));
      deleteUnlisted(kept);
    } finally {
      MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** Restores {@code session}'s variables from the checkpoint of {@code step}. */
  public void restore(Session session, long step) throws IOException {
    Path staging = Files.createDirectories(scratch.resolve("restore-" + step));
    try {
      String prefix = PREFIX + step;
      boolean any = false;
      for (String name : dir.list("")) {
        if (name.startsWith(prefix + ".")) {
          dir.download(name, staging.resolve(name));
          any = true;
        }
      }
      if (!any) {
        throw new IOException(dir.location() + "/" + POINTER + " names " + prefix
            + " but no file of it is there");
      }
      session.restore(staging.resolve(prefix).toString());
    } finally {
      MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** The steps the pointer lists, the one it names as the latest first. */
  private List<Long> pointedSteps() throws IOException {
    List<Long> steps = new ArrayList<>();
    String text = dir.readString(POINTER).orElse("");
    Matcher matcher = POINTER_LINE.matcher(text);
    while (matcher.find()) {
      long step = Long.parseLong(matcher.group(2));
      if (matcher.group(1) == null) {
        steps.add(0, step);
      } else if (!steps.contains(step)) {
        steps.add(step);
      }
    }
    return steps.stream().distinct().toList();
  }

  private static String pointer(List<Long> newestFirst) {
    StringBuilder text = new StringBuilder("model_checkpoint_path: \"" + PREFIX
        + newestFirst.get(0) + "\"\n");
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      text.append("all_model_checkpoint_paths: \"" + PREFIX + newestFirst.get(i) + "\"\n");
    }
    return text.toString();
  }

  private void deleteUnlisted(List<Long> kept) throws IOException {
    for (String name : dir.list("")) {
      if (name.startsWith(PREFIX)) {
        String digits = name.substring(PREFIX.length()).split("\\.", 2)[0];
        if (digits.chars().allMatch(Character::isDigit) && !digits.isEmpty()
            && !kept.contains(Long.parseLong(digits))) {
          dir.delete(name);
        }
      }
    }
  }

  static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

}
