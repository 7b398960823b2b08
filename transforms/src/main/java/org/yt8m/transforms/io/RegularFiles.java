package org.yt8m.transforms.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Refuses, naming it, an input that is not a regular file: opening a FIFO waits for a writer
 * that never comes (a job reading one hung with no output), and a device or a socket is no
 * data set either. Files of an object store ({@code gs://}) are always regular; local files are
 * checked, following symbolic links.
 */
public final class RegularFiles {
  private static final int FILE_TYPE_BITS = 0170000;

  private RegularFiles() {}

  /**
   * Fails unless {@code file} is a regular file (or not a local file).
   *
   * @throws IOException naming the file and what it is instead
   */
  public static void require(ResourceId file) throws IOException {
    if (!"file".equals(file.getScheme())) {
      return;
    }
    Path path = Paths.get(file.toString());
    if (!Files.readAttributes(path, BasicFileAttributes.class).isRegularFile()) {
      throw new IOException(path + " is " + kind(path) + ", not a regular file: only regular "
          + "files can be read");
    }
  }

  /** What a file that is not regular is, from its Unix mode where the platform tells it. */
  private static String kind(Path path) throws IOException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.isDirectory(path) ? "a directory" : "a FIFO, a device or a socket";
    }
    return switch (mode & FILE_TYPE_BITS) {
      case 0010000 -> "a FIFO (named pipe)";
      case 0020000 -> "a character device";
      case 0040000 -> "a directory";
      case 0060000 -> "a block device";
      case 0140000 -> "a socket";
      default -> "a special file";
    };
  }
}
