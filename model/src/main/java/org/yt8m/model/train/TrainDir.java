package org.yt8m.model.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The training directory, wherever it lives. The model module knows only local disks
 * ({@link #local}); the pipelines module supplies one over Beam's FileSystems for
 * {@code gs://}. Paths are relative, '/'-separated.
 *
 * <p>TensorFlow writes checkpoints and exports to local files; the trainer then copies them in
 * with {@link #upload} and {@link #uploadDirectory} and writes the pointer that names them last,
 * so a reader (or a resumed run) never sees a half-written checkpoint. Every write appears
 * whole: on local disk it goes to a temporary name beside its destination ({@link
 * #isTemporary}) and is renamed into place; an object store writes objects whole. What a killed
 * write leaves under a temporary name, {@link #deleteTemporaries} removes.
 */
public interface TrainDir {

  /** Where it is, for messages: a path or a URL. */
  String location();

  /** The directory on local disk when it is one, so files can be written in place. */
  Optional<Path> localPath();

  boolean exists(String relative) throws IOException;

  /** The UTF-8 text of a file, or empty when there is none. */
  Optional<String> readString(String relative) throws IOException;

  /** Writes a whole file so that readers see the old content or the new, never a mix. */
  void writeString(String relative, String content) throws IOException;

  /** Copies a local file in; readers see the old file or the whole new one. */
  void upload(Path local, String relative) throws IOException;

  /**
   * Copies the local directory {@code local} in as {@code relative}, replacing whatever is
   * there. On local disk it is staged beside its destination under a temporary name and renamed
   * into place, so it appears whole or not at all. An object store cannot rename a directory:
   * there the old {@code marker} goes first, then the files are copied one by one in name
   * order and the new {@code marker} last, so a reader that waits for {@code marker} never
   * takes part of one for the whole.
   */
  void uploadDirectory(Path local, String relative, String marker) throws IOException;

  /** Copies a file out to local disk. */
  void download(String relative, Path local) throws IOException;

  /** The names of the files directly under a directory (empty when it does not exist). */
  List<String> list(String directory) throws IOException;

  void delete(String relative) throws IOException;

  /** Deletes a directory and all it holds; nothing when it does not exist. */
  void deleteDirectory(String relative) throws IOException;

  /**
   * Deletes what killed writes left directly under {@code directory}: files and directories
   * with temporary names ({@link #isTemporary}) last modified at least {@code minAge} ago (a
   * writer that may still be running needs the age; one that holds the directory does not).
   *
   * @return the names deleted
   */
  List<String> deleteTemporaries(String directory, Duration minAge) throws IOException;

  /** The file at {@code relative} as a {@link LeaseFile}. */
  LeaseFile leaseFile(String relative) throws IOException;

  /** Whether {@code name} is a temporary one, as {@link #temporaryName} and Beam jobs make. */
  static boolean isTemporary(String name) {
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  /**
   * A fresh temporary name, {@code .UUID.tmp}: hidden, matched by no glob for real outputs,
   * and free of the final name, whose pattern a reader may match (TensorBoard reads any file
   * with {@code tfevents} in its name).
   */
  static String temporaryName() {
    return "." + UUID.randomUUID() + ".tmp";
  }

  /** A training directory on local disk. */
  static TrainDir local(Path root) {
    return new LocalTrainDir(root, Clock.systemUTC());
  }
}
