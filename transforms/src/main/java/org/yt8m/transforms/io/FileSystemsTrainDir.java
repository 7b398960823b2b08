package org.yt8m.transforms.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.yt8m.model.train.TrainDir;

/**
 * A training directory anywhere Beam's FileSystems reach ({@code gs://}, local paths), for the
 * trainer on a remote {@code --trainDir} and for workers that fetch an export. Whole-file
 * writes go to a temporary name and are renamed into place; on GCS, where a rename is a copy,
 * the object still appears whole, since objects are written atomically.
 */
public final class FileSystemsTrainDir implements TrainDir {
  private final String root;

  /** The directory at {@code location}; Beam's FileSystems must know its scheme. */
  public FileSystemsTrainDir(String location) {
    this.root = location.endsWith("/") ? location.substring(0, location.length() - 1)
        : location;
  }

  /**
   * The local directory itself when {@code location} is a local path, so that writes happen in
   * place, else this.
   */
  public static TrainDir of(String location) {
    ResourceId id = FileSystems.matchNewResource(location, true);
    return id.getScheme().equals("file") ? TrainDir.local(Path.of(id.toString()))
        : new FileSystemsTrainDir(location);
  }

  @Override
  public String location() {
    return root;
  }

  @Override
  public Optional<Path> localPath() {
    return Optional.empty();
  }

  @Override
  public boolean exists(String relative) throws IOException {
    MatchResult match = matchOne(relative);
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }

  @Override
  public Optional<String> readString(String relative) throws IOException {
    if (!exists(relative)) {
      return Optional.empty();
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(file(relative)))) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Override
  public void writeString(String relative, String content) throws IOException {
    ResourceId temp = file(relative + ".tmp-" + System.nanoTime());
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(temp,
        MimeTypes.TEXT))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    FileSystems.rename(List.of(temp), List.of(file(relative)),
        StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  @Override
  public void upload(Path local, String relative) throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file(relative),
        MimeTypes.BINARY))) {
      Files.copy(local, out);
    }
  }

  @Override
  public void download(String relative, Path local) throws IOException {
    if (!exists(relative)) {
      throw new FileNotFoundException(root + "/" + relative);
    }
    Files.createDirectories(local.toAbsolutePath().getParent());
    try (InputStream in = Channels.newInputStream(FileSystems.open(file(relative)))) {
      Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public List<String> list(String directory) throws IOException {
    String prefix = directory.isEmpty() ? root + "/" : root + "/" + directory + "/";
    MatchResult match = FileSystems.match(List.of(prefix + "**"), EmptyMatchTreatment.ALLOW)
        .get(0);
    if (match.status() != MatchResult.Status.OK) {
      return List.of();
    }
    TreeSet<String> names = new TreeSet<>();
    for (MatchResult.Metadata metadata : match.metadata()) {
      String path = metadata.resourceId().toString();
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : rest.substring(0, slash));
      }
    }
    return List.copyOf(names);
  }

  @Override
  public void delete(String relative) throws IOException {
    FileSystems.delete(List.of(file(relative)), StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** Resolved a segment at a time: not every file system resolves a path with slashes. */
  private ResourceId file(String relative) {
    ResourceId id = FileSystems.matchNewResource(root, true);
    String[] segments = relative.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      id = id.resolve(segments[i], StandardResolveOptions.RESOLVE_DIRECTORY);
    }
    return id.resolve(segments[segments.length - 1], StandardResolveOptions.RESOLVE_FILE);
  }

  private MatchResult matchOne(String relative) throws IOException {
    return FileSystems.match(List.of(file(relative).toString()), EmptyMatchTreatment.ALLOW)
        .get(0);
  }
}
