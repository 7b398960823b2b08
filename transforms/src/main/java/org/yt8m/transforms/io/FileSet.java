package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Files that are written as a whole or not at all: the shards of a sharded predictions CSV, of
 * {@code prepare} and of {@code generate}, the files of an evaluation. One run's view of the
 * set: where it goes, the names of its files, the names an earlier set there may have used, and
 * where its manifest goes; plus a staging id of its own, drawn when the set is described (at
 * pipeline construction), so every worker and every retry of the run stages into the same place.
 *
 * <p>Writers {@link #stage} each file into the run's staging directory beside the destination
 * ({@code DIR/.NAME.tmp-ID/}, which no glob for the final names matches), each file whole
 * (temporary name, then rename) and under its final name, so a retried or duplicated writer
 * rewrites the same file with the same bytes. Once every file is staged, one step
 * ({@link CommitFileSet}) {@link #commit}s the set:
 *
 * <ol>
 *   <li>checks that every file of the set is staged with the size its writer reported (or, when
 *       the commit itself is retried, already in place with that size);
 *   <li>marks the manifest incomplete ({@code "complete": false}): from here readers refuse the
 *       set rather than read old and new files mixed. It lists in {@code replaces} the files
 *       of the earlier set that the new one lacks (shards of another count): those the earlier
 *       manifest listed, carried on by a commit rerun after a kill;
 *   <li>renames the staged files over their final names;
 *   <li>removes the files {@code replaces} lists, and no other: a file of the set's names that
 *       no manifest lists (a release shard in {@code generate}'s folder) is not the set's;
 *   <li>writes the manifest, listing every file with its size and CRC32C, complete: the set is
 *       committed;
 *   <li>removes the staging directories of this set, this run's and any a killed run left, and
 *       the temporaries of whole-file writes of its names that a killed run left.
 * </ol>
 *
 * <p>Every step is idempotent, so a retried commit finishes what a failed one began. A run
 * killed before step 2 leaves the previous set as it was (plus its staging directory, which the
 * next commit removes); killed in steps 2 to 5 (a few renames), it leaves a set that its
 * manifest marks incomplete and that readers refuse until a run completes it.
 */
public final class FileSet implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String STAGING = ".tmp-";
  /** {@link WriteFile}'s temporary of a file: {@code .NAME.UUID.tmp}. */
  private static final Pattern WRITE_FILE_TEMPORARY = Pattern.compile(
      "\\.(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

  private final String directory;
  private final String name;
  private final List<String> files;
  private final String memberPattern;
  private final String manifest;
  private final String stagingId;

  private FileSet(String directory, String name, List<String> files, String memberPattern,
      String manifest, String stagingId) {
    this.directory = directory;
    this.name = name;
    this.files = files;
    this.memberPattern = memberPattern;
    this.manifest = manifest;
    this.stagingId = stagingId;
  }

  /**
   * The files {@code files} (names) in {@code directory} (local or any Beam file system's) with
   * the manifest {@code manifest} beside them, called {@code name} in the names of staging
   * directories and in messages. By default the set owns exactly its files' names.
   */
  public static FileSet of(String directory, String name, List<String> files,
      String manifest) {
    checkArgument(!files.isEmpty(), "a set of no files");
    checkArgument(new LinkedHashSet<>(files).size() == files.size(), "files named twice: %s",
        files);
    for (String file : files) {
      checkArgument(!file.isEmpty() && file.indexOf('/') < 0, "a file name, not a path: '%s'",
          file);
    }
    checkArgument(!manifest.isEmpty() && manifest.indexOf('/') < 0 && !files.contains(manifest),
        "bad manifest name '%s'", manifest);
    String dir = FileSystems.matchNewResource(directory, true).toString();
    return new FileSet(dir, name, List.copyOf(files),
        files.stream().map(Pattern::quote).reduce((a, b) -> a + "|" + b).orElseThrow(),
        manifest, UUID.randomUUID().toString());
  }

  /**
   * The names (a regular expression) of the files a set of this name may hold, whatever its
   * size: readers refuse such files that the manifest does not list. The commit removes only
   * the earlier set's files that its manifest listed, never others of these names.
   */
  public FileSet withMembers(String regex) {
    checkArgument(!Pattern.compile(regex).matcher(manifest).matches(),
        "the members '%s' take in the manifest %s", regex, manifest);
    return new FileSet(directory, name, files, regex, manifest, stagingId);
  }

  /**
   * This set staged under {@code stagingId} instead of the id {@link #of} drew: for a transform
   * whose steps are built apart and must stage into one directory (sorted runs written inside a
   * read, then merged into the set's files). Draw it once per run, as {@link #of} does.
   */
  public FileSet withStagingId(String stagingId) {
    checkArgument(stagingId.matches("[A-Za-z0-9-]+"), "bad staging id '%s'", stagingId);
    return new FileSet(directory, name, files, memberPattern, manifest, stagingId);
  }

  /** The files' names, in order. */
  public List<String> files() {
    return files;
  }

  /** The final path of the file {@code file}. */
  public String path(String file) {
    return resolve(file).toString();
  }

  /**
   * Writes the set's file {@code file} whole into this run's staging directory and returns
   * what was written: its size and CRC32C, counted as the bytes went out.
   */
  public StagedFile stage(String file, String mimeType, WriteFile.Body body) throws IOException {
    checkArgument(files.contains(file), "%s is not a file of %s", file, name);
    long[] bytes = new long[1];
    String[] crc = new String[1];
    WriteFile.write(staging().resolve(file, StandardResolveOptions.RESOLVE_FILE).toString(),
        mimeType, stream -> {
          Crc32c.CountingOutputStream counting = new Crc32c.CountingOutputStream(stream);
          body.writeTo(counting);
          counting.flush();
          bytes[0] = counting.bytes();
          crc[0] = counting.crc32c();
        });
    return new StagedFile(file, bytes[0], crc[0]);
  }

  /**
   * A new path for an intermediate file of this run's writers (a sorted run of lines), in the
   * run's staging directory under a name no file of the set has ({@code PREFIX-UUID}): the
   * commit removes it with the directory, and so does the next commit after a kill.
   */
  public String scratchPath(String prefix) {
    String name = prefix + "-" + UUID.randomUUID();
    checkArgument(!files.contains(name), "%s is a file of %s", name, this.name);
    return staging().resolve(name, StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** Stages a text file: {@link #stage} of {@code text}'s UTF-8 bytes. */
  public StagedFile stage(String file, String text) throws IOException {
    return stage(file, MimeTypes.TEXT, out -> out.write(text.getBytes(UTF_8)));
  }

  /**
   * Commits the set from what its writers staged (see the class comment for the steps), with
   * {@code fields} at the head of the manifest. Returns the manifest's text.
   */
  public String commit(List<StagedFile> staged, ObjectNode fields) throws IOException {
    List<StagedFile> listed = inSetOrder(staged);
    Map<ResourceId, ResourceId> moves = requireStaged(listed);
    String manifestPath = path(manifest);
    List<String> replaced = replacedFiles();
    WriteFile.write(manifestPath,
        SetManifest.renderIncomplete(fields, listed, memberPattern, replaced));
    FileSystems.rename(List.copyOf(moves.keySet()), List.copyOf(moves.values()),
        StandardMoveOptions.IGNORE_MISSING_FILES);
    List<ResourceId> strays = replaced.stream().map(this::resolve).toList();
    List<ResourceId> temporaries = new ArrayList<>();
    Pattern members = Pattern.compile(memberPattern);
    for (MatchResult.Metadata file : list(directory + "*")) {
      Matcher temporary = WRITE_FILE_TEMPORARY.matcher(file.resourceId().getFilename());
      if (temporary.matches() && (temporary.group(1).equals(manifest)
          || members.matcher(temporary.group(1)).matches())) {
        temporaries.add(file.resourceId());
      }
    }
    FileSystems.delete(strays, StandardMoveOptions.IGNORE_MISSING_FILES);
    String text = SetManifest.render(fields, listed, memberPattern);
    WriteFile.write(manifestPath, text);
    FileSystems.delete(temporaries, StandardMoveOptions.IGNORE_MISSING_FILES);
    removeStagingDirectories();
    return text;
  }

  /** {@code staged} in the order of the set's files, which it must be exactly. */
  private List<StagedFile> inSetOrder(List<StagedFile> staged) {
    Map<String, StagedFile> byName = new HashMap<>();
    for (StagedFile file : staged) {
      StagedFile other = byName.put(file.name(), file);
      checkState(other == null || other.equals(file), "%s staged twice, as %s and %s",
          file.name(), other, file);
    }
    checkState(byName.keySet().equals(Set.copyOf(files)), "%s: staged %s, where the set is "
        + "%s", name, byName.keySet(), files);
    return files.stream().map(byName::get).toList();
  }

  /**
   * The files of the earlier set here that this one lacks: those its manifest lists as written
   * (a complete manifest's files; an incomplete one's files that are in place as listed, and
   * the files it was replacing). None without a manifest: a file of the set's names that no
   * manifest lists may be anyone's, such as a release shard that {@code generate}'s names
   * match, and is never removed.
   */
  private List<String> replacedFiles() throws IOException {
    Optional<MatchResult.Metadata> found = metadata(resolve(manifest));
    if (found.isEmpty()) {
      return List.of();
    }
    Optional<SetManifest> earlier;
    try (InputStream in = Channels.newInputStream(FileSystems.open(
        found.get().resourceId()))) {
      earlier = SetManifest.parse(found.get().resourceId().toString(),
          new String(in.readAllBytes(), UTF_8));
    }
    if (earlier.isEmpty()) {
      return List.of();
    }
    Set<String> replaced = new LinkedHashSet<>(earlier.get().replaces());
    for (StagedFile file : earlier.get().files()) {
      if (!files.contains(file.name()) && (earlier.get().complete() || inPlace(file))) {
        replaced.add(file.name());
      }
    }
    replaced.removeAll(files);
    replaced.removeIf(file -> file.isEmpty() || file.indexOf('/') >= 0 || file.equals(manifest));
    return List.copyOf(replaced);
  }

  /**
   * The renames that put the staged files in place, after checking that each is staged as its
   * writer reported it or, for a retried commit, already in place as its writer wrote it.
   */
  private Map<ResourceId, ResourceId> requireStaged(List<StagedFile> listed)
      throws IOException {
    Map<ResourceId, ResourceId> moves = new LinkedHashMap<>();
    for (StagedFile file : listed) {
      ResourceId stagedId = staging().resolve(file.name(), StandardResolveOptions.RESOLVE_FILE);
      Optional<MatchResult.Metadata> stagedFile = metadata(stagedId);
      if (stagedFile.isPresent()) {
        checkState(stagedFile.get().sizeBytes() == file.bytes(), "%s is %s bytes, where its "
            + "writer wrote %s", stagedId, stagedFile.get().sizeBytes(), file.bytes());
        moves.put(stagedId, resolve(file.name()));
      } else {
        checkState(inPlace(file), "%s is neither staged in %s nor in place as its writer wrote "
            + "it (%s bytes, CRC32C %s)", file.name(), staging(), file.bytes(), file.crc32c());
      }
    }
    return moves;
  }

  /** Whether the file {@code file} names is in place with its size and CRC32C. */
  private boolean inPlace(StagedFile file) throws IOException {
    Optional<MatchResult.Metadata> placed = metadata(resolve(file.name()));
    return placed.isPresent() && placed.get().sizeBytes() == file.bytes()
        && ManifestCheck.crc32c(placed.get().resourceId()).equals(file.crc32c());
  }

  /**
   * Removes what every run's staging directory of this set holds, then the directories (on
   * file systems that have them).
   */
  private void removeStagingDirectories() throws IOException {
    Set<ResourceId> directories = new LinkedHashSet<>();
    directories.add(staging());
    List<ResourceId> leftovers = new ArrayList<>();
    for (MatchResult.Metadata file : list(directory + stagingPrefix() + "*/*")) {
      leftovers.add(file.resourceId());
      directories.add(file.resourceId().getCurrentDirectory());
    }
    FileSystems.delete(leftovers, StandardMoveOptions.IGNORE_MISSING_FILES);
    for (ResourceId dir : directories) {
      if (dir.getScheme().equals("file")) {
        FileSystems.delete(List.of(dir), StandardMoveOptions.IGNORE_MISSING_FILES);
      }
    }
  }

  /** {@code .NAME.tmp-}: the set's name kept to characters no glob reads as special. */
  private String stagingPrefix() {
    return "." + name.replaceAll("[^A-Za-z0-9._-]", "_") + STAGING;
  }

  private ResourceId staging() {
    return FileSystems.matchNewResource(directory, true)
        .resolve(stagingPrefix() + stagingId, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  private ResourceId resolve(String file) {
    return FileSystems.matchNewResource(directory, true)
        .resolve(file, StandardResolveOptions.RESOLVE_FILE);
  }

  static Optional<MatchResult.Metadata> metadata(ResourceId file) throws IOException {
    return list(file.toString()).stream().findFirst();
  }

  /** The files {@code glob} matches; none when it matches nothing. */
  static List<MatchResult.Metadata> list(String glob) throws IOException {
    MatchResult match = FileSystems.match(List.of(glob), EmptyMatchTreatment.ALLOW).get(0);
    return match.status() == MatchResult.Status.OK ? match.metadata() : List.of();
  }

  @Override
  public String toString() {
    return name + " in " + directory;
  }

  /** An empty JSON object: the fields of a manifest that records nothing but the files. */
  public static ObjectNode noFields() {
    return new ObjectMapper().createObjectNode();
  }
}
