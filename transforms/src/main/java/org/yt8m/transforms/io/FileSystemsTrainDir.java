package org.yt8m.transforms.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.yt8m.model.train.LeaseFile;
import org.yt8m.model.train.TrainDir;

/**
 * A training directory anywhere Beam's FileSystems reach ({@code gs://}, local paths), for the
 * trainer on a remote {@code --trainDir} and for workers that fetch an export. Whole-file
 * writes ({@link WriteFile}) go to a temporary name ({@link TrainDir#temporaryName}, which
 * {@link #deleteTemporaries} knows) and are renamed into place; on GCS, where a rename is a copy,
 * the object still appears whole, since objects are written atomically, and an uploaded file is
 * written as its final object directly.
 *
 * <p>FileSystems has no create-if-absent, so the trainer's lease file comes from
 * {@link LeaseFiles}, which the caller supplies for its store ({@code gs://}: generation
 * preconditions of the GCS client); on a local path it is the local one.
 */
public final class FileSystemsTrainDir implements TrainDir {
  private final String root;
  private final LeaseFiles leases;

  /** Opens the lease file at a location of this directory's store. */
  @FunctionalInterface
  public interface LeaseFiles {
    LeaseFile open(String location) throws IOException;
  }

  /** The directory at {@code location}; Beam's FileSystems must know its scheme. */
  public FileSystemsTrainDir(String location) {
    this(location, FileSystemsTrainDir::localLeaseFile);
  }

  /** The directory at {@code location}, its lease files opened by {@code leases}. */
  public FileSystemsTrainDir(String location, LeaseFiles leases) {
    this.root = location.endsWith("/") ? location.substring(0, location.length() - 1)
        : location;
    this.leases = leases;
  }

  /**
   * The local directory itself when {@code location} is a local path, so that writes happen in
   * place, else this.
   */
  public static TrainDir of(String location) {
    return of(location, FileSystemsTrainDir::localLeaseFile);
  }

  /** As {@link #of(String)}, a remote directory's lease files opened by {@code leases}. */
  public static TrainDir of(String location, LeaseFiles leases) {
    ResourceId id = FileSystems.matchNewResource(location, true);
    return id.getScheme().equals("file") ? TrainDir.local(Path.of(id.toString()))
        : new FileSystemsTrainDir(location, leases);
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
    WriteFile.write(file(relative).toString(), TrainDir.temporaryName(), MimeTypes.TEXT,
        out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void upload(Path local, String relative) throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file(relative),
        MimeTypes.BINARY))) {
      Files.copy(local, out);
    }
  }

  @Override
  public void uploadDirectory(Path local, String relative, String marker) throws IOException {
    delete(relative + "/" + marker);
    deleteDirectory(relative);
    Path markerFile = local.resolve(marker);
    try (Stream<Path> walk = Files.walk(local)) {
      for (Path file : walk.filter(Files::isRegularFile).filter(f -> !f.equals(markerFile))
          .sorted().toList()) {
        upload(file, relative + "/" + local.relativize(file).toString().replace('\\', '/'));
      }
    }
    upload(markerFile, relative + "/" + marker);
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
    TreeSet<String> names = new TreeSet<>();
    for (MatchResult.Metadata metadata : below(directory)) {
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

  @Override
  public void deleteDirectory(String relative) throws IOException {
    List<ResourceId> files = below(relative).stream().map(MatchResult.Metadata::resourceId)
        .toList();
    FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  @Override
  public List<String> deleteTemporaries(String directory, Duration minAge) throws IOException {
    long cutoff = Instant.now().minus(minAge).toEpochMilli();
    String prefix = directory.isEmpty() ? "" : directory + "/";
    List<String> deleted = new ArrayList<>();
    for (String name : list(directory)) {
      if (!TrainDir.isTemporary(name)) {
        continue;
      }
      List<MatchResult.Metadata> parts = new ArrayList<>(below(prefix + name));
      MatchResult file = matchOne(prefix + name);
      if (file.status() == MatchResult.Status.OK) {
        parts.addAll(file.metadata());
      }
      if (parts.stream().allMatch(m -> m.lastModifiedMillis() <= cutoff)) {
        FileSystems.delete(parts.stream().map(MatchResult.Metadata::resourceId).toList(),
            StandardMoveOptions.IGNORE_MISSING_FILES);
        deleted.add(name);
      }
    }
    return deleted;
  }

  @Override
  public LeaseFile leaseFile(String relative) throws IOException {
    return leases.open(root + "/" + relative);
  }

  /** The lease file of a local path reached through FileSystems (tests take that road). */
  private static LeaseFile localLeaseFile(String location) throws IOException {
    ResourceId id = FileSystems.matchNewResource(location, false);
    if (!id.getScheme().equals("file")) {
      throw new IOException("cannot hold a lease in " + location + ": yt8m train keeps one "
          + "trainer per trainDir with a file created only when absent, which it can do on "
          + "local disks and gs:// only");
    }
    Path file = Path.of(id.toString());
    return TrainDir.local(file.getParent()).leaseFile(file.getFileName().toString());
  }

  /** Every file below {@code directory} ({@code ""}: the root), at any depth. */
  private List<MatchResult.Metadata> below(String directory) throws IOException {
    String prefix = directory.isEmpty() ? root + "/" : root + "/" + directory + "/";
    MatchResult match = FileSystems.match(List.of(prefix + "**"), EmptyMatchTreatment.ALLOW)
        .get(0);
    return match.status() == MatchResult.Status.OK ? match.metadata() : List.of();
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
