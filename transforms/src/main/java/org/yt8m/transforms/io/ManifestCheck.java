package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * What a reader checks before it reads a file that may belong to a {@link FileSet}: the set
 * manifests in the file's directory (files named {@code *manifest*.json} holding a {@code files}
 * list) say which sets own which names. A file no set owns is read as it is. A file a set owns
 * is read only when its manifest is complete, lists it with its size, and every other file the
 * manifest lists is there with its size; otherwise the reader stops with a
 * {@link SetMismatchException} naming the file and what differs. The CRC32C each manifest lists
 * is checked as the file is read ({@link #verifying}), since reading a file only to checksum it
 * would double a reader's I/O.
 *
 * <p>One instance per reader: it keeps each directory's manifests once read. Not thread-safe.
 */
public final class ManifestCheck {
  private final Map<ResourceId, List<SetManifest>> manifests = new HashMap<>();
  private final Set<String> completeSets = new HashSet<>();

  /** A file's entry in its set's manifest, and that manifest's path. */
  public record Listed(StagedFile entry, String manifest) {}

  /**
   * Whether {@code file} is the manifest of a set in its directory: not data, for a reader
   * whose pattern happens to match it.
   */
  public boolean isManifest(Metadata file) throws IOException {
    String path = file.resourceId().toString();
    return manifestsIn(file.resourceId().getCurrentDirectory()).stream()
        .anyMatch(manifest -> manifest.path().equals(path));
  }

  /**
   * Checks {@code file} against the manifest of the set that owns its name: its entry when one
   * does, empty when no set owns it.
   *
   * @throws SetMismatchException naming the file, the manifest and what differs
   */
  public Optional<Listed> check(Metadata file) throws IOException {
    ResourceId directory = file.resourceId().getCurrentDirectory();
    String name = file.resourceId().getFilename();
    String path = file.resourceId().toString();
    List<SetManifest> owners = manifestsIn(directory).stream()
        .filter(manifest -> manifest.owns(name)).toList();
    if (owners.isEmpty()) {
      return Optional.empty();
    }
    for (SetManifest owner : owners) {
      if (!owner.complete()) {
        throw new SetMismatchException(path + " belongs to the set of " + owner.path()
            + ", which says it is incomplete: a run that writes it was stopped while it moved "
            + "the files into place; rerun it");
      }
    }
    SetManifest owner = owners.stream().filter(m -> m.file(name).isPresent()).findFirst()
        .orElseThrow(() -> new SetMismatchException(path + " is not in " + owners.get(0).path()
            + ", which lists " + names(owners.get(0)) + ": a file of an earlier set, or of a "
            + "run that did not finish; remove it or rerun the command that writes the set"));
    StagedFile entry = owner.file(name).orElseThrow();
    if (file.sizeBytes() != entry.bytes()) {
      throw new SetMismatchException(path + " is " + file.sizeBytes() + " bytes, where "
          + owner.path() + " lists " + entry.bytes() + ": the file changed after its set was "
          + "written; rerun the command that writes the set");
    }
    requireWhole(owner, directory);
    return Optional.of(new Listed(entry, owner.path()));
  }

  /**
   * {@code in}, the bytes of the file {@code name} as {@code listed} lists it, failing with a
   * {@link SetMismatchException} once read to its end unless they had the listed size and
   * CRC32C.
   */
  public static InputStream verifying(InputStream in, String name, Listed listed) {
    return new Crc32c.VerifyingInputStream(in, name, listed.entry().bytes(),
        listed.entry().crc32c(), listed.manifest());
  }

  /** The CRC32C of a whole file, in a manifest's form. */
  static String crc32c(ResourceId file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    }
    return Crc32c.hex(crc.getValue());
  }

  /** Every file {@code manifest} lists is in {@code directory} with its size. */
  private void requireWhole(SetManifest manifest, ResourceId directory) throws IOException {
    if (completeSets.contains(manifest.path())) {
      return;
    }
    Map<String, Long> present = FileSet.list(directory.toString() + "*").stream()
        .collect(Collectors.toMap(m -> m.resourceId().getFilename(), Metadata::sizeBytes));
    for (StagedFile listed : manifest.files()) {
      Long size = present.get(listed.name());
      if (size == null) {
        throw new SetMismatchException(manifest.path() + " lists " + listed.name()
            + ", which is missing: the set is not whole; rerun the command that writes it");
      }
      if (size != listed.bytes()) {
        throw new SetMismatchException(directory.resolve(listed.name(),
            StandardResolveOptions.RESOLVE_FILE) + " is " + size + " bytes, where "
            + manifest.path() + " lists " + listed.bytes() + ": the file changed after its "
            + "set was written; rerun the command that writes the set");
      }
    }
    completeSets.add(manifest.path());
  }

  private List<SetManifest> manifestsIn(ResourceId directory) throws IOException {
    List<SetManifest> found = manifests.get(directory);
    if (found == null) {
      found = new ArrayList<>();
      for (Metadata candidate : FileSet.list(directory.toString() + "*manifest*.json")) {
        Optional<SetManifest> manifest;
        try (InputStream in = Channels.newInputStream(FileSystems.open(
            candidate.resourceId()))) {
          manifest = SetManifest.parse(candidate.resourceId().toString(),
              new String(in.readAllBytes(), UTF_8));
        }
        manifest.ifPresent(found::add);
      }
      manifests.put(directory, found);
    }
    return found;
  }

  private static String names(SetManifest manifest) {
    List<StagedFile> files = manifest.files();
    return files.size() <= 3
        ? files.stream().map(StagedFile::name).collect(Collectors.joining(", "))
        : files.get(0).name() + " ... " + files.get(files.size() - 1).name() + " ("
            + files.size() + " files)";
  }
}
