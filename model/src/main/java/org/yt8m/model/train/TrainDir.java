package org.yt8m.model.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The training directory, wherever it lives. The model module knows only local disks
 * ({@link #local}); the pipelines module supplies one over Beam's FileSystems for
 * {@code gs://}. Paths are relative, '/'-separated.
 *
 * <p>TensorFlow writes checkpoints and exports to local files; the trainer then copies them in
 * with {@link #upload} and writes the pointer that names them last, so a reader (or a resumed
 * run) never sees a half-written checkpoint.
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

  /** Copies a local file in. */
  void upload(Path local, String relative) throws IOException;

  /** Copies a file out to local disk. */
  void download(String relative, Path local) throws IOException;

  /** The names of the files directly under a directory (empty when it does not exist). */
  List<String> list(String directory) throws IOException;

  void delete(String relative) throws IOException;

  /** A training directory on local disk. */
  static TrainDir local(Path root) {
    return new LocalTrainDir(root);
  }
}
