package org.yt8m.transforms.io;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Refuses, naming it, an input that is not a regular file: opening a FIFO waits for a writer
 * that never comes (a job reading one hung with no output), and a device or a socket is no
 * data set either. Files of an object store ({@code gs://}) are always regular; local files are
 * checked, following symbolic links.
 */
public final class RegularFiles {
  private static final int FILE_TYPE_BITS = 0170000;
  /** A path up to its first wildcard, as Beam's local file system finds it. */
  private static final Pattern GLOB_PREFIX = Pattern.compile("(?<prefix>[^\\[*?]*)[\\[*?].*");

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

  /**
   * Fails naming each entry that the local glob {@code pattern} matches and that is neither a
   * regular file nor a directory (a FIFO, a device, a socket), and what it is. Beam's local
   * match leaves such entries out of a glob's matches without a word, so {@code dir/*.tfrecord}
   * with a FIFO among the shards read the others, and a glob that matched only a FIFO "matched
   * no file". The glob is expanded as Beam expands it: a pattern naming an existing file is that
   * file (which {@link #require} checks); any other is made absolute and matched by
   * {@link PathMatcher} ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, {@code **}, in any
   * component) against the entries below the directory before its first {@code *}, {@code ?}
   * or {@code [}: only that directory's own entries when the rest of the pattern has no
   * {@code /} and no {@code **}, else the whole tree below it, symbolic links to directories
   * not followed. Patterns of other file systems ({@code gs://}) match objects, which are
   * always regular.
   *
   * @throws IOException naming the entries and what they are
   */
  public static void requireGlobMatchesRegular(String pattern) throws IOException {
    if (!"file".equals(FileSystems.matchNewResource(pattern, false).getScheme())) {
      return;
    }
    String spec = pattern.regionMatches(true, 0, "file:", 0, 5) ? pattern.substring(5)
        : pattern;
    File absoluteFile = new File(spec).getAbsoluteFile();
    if (absoluteFile.exists()) {
      return; // one file, not a glob
    }
    String absolute = absoluteFile.getPath();
    Matcher wildcard = GLOB_PREFIX.matcher(absolute);
    String prefix = wildcard.matches() ? wildcard.group("prefix") : absolute;
    Path directory = Paths.get(prefix.substring(0, prefix.lastIndexOf('/') + 1));
    String rest = absolute.substring(prefix.lastIndexOf('/') + 1);
    if (!Files.isDirectory(directory)) {
      return;
    }
    PathMatcher glob = java.nio.file.FileSystems.getDefault()
        .getPathMatcher("glob:" + absolute.replace("\\", "\\\\"));
    List<Path> special;
    try (Stream<Path> entries = rest.contains("/") || rest.contains("**")
        ? Files.walk(directory) : Files.list(directory)) {
      special = entries.filter(glob::matches).filter(RegularFiles::isSpecial).sorted().toList();
    }
    if (!special.isEmpty()) {
      List<String> refusals = new ArrayList<>();
      for (Path path : special) {
        refusals.add(path + " is " + kind(path));
      }
      throw new IOException(String.join("; ", refusals) + (special.size() == 1
          ? ", not a regular file" : ": not regular files") + ": only regular files can be read");
    }
  }

  /** Neither a regular file nor a directory (links followed); a dangling link is neither. */
  private static boolean isSpecial(Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return !attributes.isRegularFile() && !attributes.isDirectory();
    } catch (IOException e) {
      return false;
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
