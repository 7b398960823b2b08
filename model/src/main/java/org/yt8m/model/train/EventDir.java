package org.yt8m.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.yt8m.model.train.summary.EventLogs;

/**
 * Where the run's TensorBoard event files are written: the training directory itself when it
 * is on local disk, else a local mirror whose files are pulled before the run (so a resumed
 * run can truncate them) and pushed whole at every checkpoint and at the end (object stores
 * have no append; TensorBoard rereads a replaced file).
 */
final class EventDir {
  private final TrainDir dir;
  private final Path path;
  private final boolean mirrored;

  private EventDir(TrainDir dir, Path path, boolean mirrored) {
    this.dir = dir;
    this.path = path;
    this.mirrored = mirrored;
  }

  static EventDir of(TrainDir dir, Path scratch) throws IOException {
    Optional<Path> local = dir.localPath();
    return local.isPresent() ? new EventDir(dir, Files.createDirectories(local.get()), false)
        : new EventDir(dir, Files.createDirectories(scratch.resolve("events")), true);
  }

  Path path() {
    return path;
  }

  /** Copies the training directory's event files into the mirror. */
  void pull() throws IOException {
    if (mirrored) {
      for (String name : dir.list("")) {
        if (EventLogs.isEventFile(name)) {
          dir.download(name, path.resolve(name));
        }
      }
    }
  }

  /** Copies the mirror's event files (all of them: a resume may have rewritten old ones). */
  void push() throws IOException {
    if (mirrored) {
      for (Path file : EventLogs.files(path)) {
        dir.upload(file, file.getFileName().toString());
      }
    }
  }
}
