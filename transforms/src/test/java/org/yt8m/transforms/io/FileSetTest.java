package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit of a set of files, step by step, and what readers make of each state. */
class FileSetTest {
  private static final String MEMBERS = "part-\\d+\\.txt";

  @TempDir
  Path dir;

  @Test
  void aCommittedSetListsEveryFileWithItsSizeAndChecksum() throws Exception {
    FileSet set = set(3);
    List<StagedFile> staged = stage(set, "new");
    set.commit(staged, FileSet.noFields().put("made_by", "test"));

    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("parts.manifest.json").toFile());
    assertEquals("test", manifest.get("made_by").asText());
    assertTrue(manifest.get("complete").asBoolean());
    assertEquals(3, manifest.get("files").size());
    for (JsonNode file : manifest.get("files")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(file.get("name").asText()));
      assertEquals(bytes.length, file.get("bytes").asLong());
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      assertEquals(String.format("%08x", crc.getValue()), file.get("crc32c").asText());
    }
    assertEquals(List.of("part-0.txt", "part-1.txt", "part-2.txt", "parts.manifest.json"),
        listing(), "nothing staged is left");
  }

  @Test
  void setsBuiltApartWithOneStagingIdShareItsDirectoryWhichTheCommitRemoves() throws Exception {
    Path staging = dir.resolve(".parts.tmp-fixed");
    String scratch = set(2).withStagingId("fixed").scratchPath("run");
    assertEquals(staging, Path.of(scratch).getParent());
    Files.createDirectories(staging);
    Files.writeString(Path.of(scratch), "a sorted run");
    FileSet set = set(2).withStagingId("fixed");
    set.commit(stage(set, "new"), FileSet.noFields());
    assertEquals(List.of("part-0.txt", "part-1.txt", "parts.manifest.json"), listing());
    assertThrows(IllegalArgumentException.class, () -> set.withStagingId("../up"));
  }

  @Test
  void stagedFilesAreInvisibleUntilTheCommitAndAnEarlierSetStaysWhole() throws Exception {
    commitNew(2, "old");
    FileSet next = set(2);
    List<StagedFile> staged = stage(next, "new");
    assertEquals("old 0", read("part-0.txt"), "a run killed before its commit changes nothing");
    assertEquals(2, readableFiles(2).size(), "and readers take the old set as it is");

    next.commit(staged, FileSet.noFields());
    assertEquals("new 0", read("part-0.txt"));
    assertEquals("new 1", read("part-1.txt"));
  }

  @Test
  void anotherCountOfFilesReplacesTheEarlierSetsFilesAndLeftovers() throws Exception {
    FileSet killed = set(4);
    stage(killed, "killed"); // a run that never committed: its staging directory stays
    commitNew(4, "four");
    Files.writeString(dir.resolve("unrelated.txt"), "not a member");
    String uuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    for (String name : List.of("parts.manifest.json", "part-3.txt", "unrelated.txt")) {
      // what a whole-file write killed before its rename leaves
      Files.writeString(dir.resolve("." + name + "." + uuid + ".tmp"), "half");
    }

    commitNew(2, "two");
    assertEquals(List.of("." + "unrelated.txt." + uuid + ".tmp", "part-0.txt", "part-1.txt",
        "parts.manifest.json", "unrelated.txt"), listing(), "the -2 and -3 files of four, "
        + "every staging directory and the set's half-written temporaries are gone");
  }

  @Test
  void aRetriedCommitFinishesWhatTheFirstBegan() throws Exception {
    FileSet set = set(3);
    List<StagedFile> staged = stage(set, "new");
    String first = set.commit(staged, FileSet.noFields());
    assertEquals(first, set.commit(staged, FileSet.noFields()), "every step is idempotent");
  }

  @Test
  void aCommitRefusesAStagedFileOtherThanItsWriterReported() throws Exception {
    commitNew(2, "old");
    FileSet set = set(2);
    List<StagedFile> staged = new ArrayList<>(stage(set, "new"));
    staged.set(1, new StagedFile("part-1.txt", 99, "00000000"));
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> set.commit(staged, FileSet.noFields()));
    assertTrue(refused.getMessage().contains("part-1.txt is 5 bytes, where its writer wrote 99"),
        refused.getMessage());
    assertEquals("old 0", read("part-0.txt"), "nothing moved");

    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> set.commit(staged.subList(0, 1), FileSet.noFields()));
    assertTrue(missing.getMessage().contains("staged [part-0.txt], where the set is "
        + "[part-0.txt, part-1.txt]"), missing.getMessage());
  }

  @Test
  void filesOfTheSetsNamesAreRemovedOnlyWhereItsManifestListedThem() throws Exception {
    Files.writeString(dir.resolve("part-5.txt"), "someone else's, of the same name");
    commitNew(1, "first");
    assertTrue(Files.exists(dir.resolve("part-5.txt")), "no manifest: not the set's file");
    Files.writeString(dir.resolve("part-6.txt"), "not the set's either");
    commitNew(2, "second");
    assertEquals(List.of("part-0.txt", "part-1.txt", "part-5.txt", "part-6.txt",
        "parts.manifest.json"), listing(), "the manifest listed neither");
  }

  @Test
  void aSmallerSetRemovesItsStaleFilesButNotForeignFilesOfItsNames() throws Exception {
    commitNew(4, "four");
    Files.writeString(dir.resolve("part-7.txt"), "a release shard the user put here");
    Files.writeString(dir.resolve("part-8.txt"), "another");

    commitNew(2, "two");
    assertEquals(List.of("part-0.txt", "part-1.txt", "part-7.txt", "part-8.txt",
        "parts.manifest.json"), listing(), "part-2 and part-3 were the set's, the others not");
  }

  @Test
  void aCommitRerunAfterAKillRemovesWhatTheKilledCommitWasReplacing() throws Exception {
    commitNew(4, "four");
    Files.writeString(dir.resolve("part-7.txt"), "a release shard the user put here");
    FileSet next = set(2);
    List<StagedFile> staged = stage(next, "next");
    Files.writeString(dir.resolve("parts.manifest.json"), SetManifest.renderIncomplete(
        FileSet.noFields(), staged, MEMBERS, List.of("part-2.txt", "part-3.txt")));
    // killed after the commit's step 2: the complete manifest of four is gone

    next.commit(staged, FileSet.noFields());
    assertEquals(List.of("part-0.txt", "part-1.txt", "part-7.txt", "parts.manifest.json"),
        listing());
    assertEquals("next 0", read("part-0.txt"));
  }

  @Test
  void readersRefuseStraysChangedFilesMissingFilesAndAnInterruptedCommit() throws Exception {
    commitNew(2, "good");
    assertEquals(2, readableFiles(2).size());

    Files.writeString(dir.resolve("part-7.txt"), "stray");
    assertRefused("part-7.txt is not in " + dir.resolve("parts.manifest.json")
        + ", which lists part-0.txt, part-1.txt");
    Files.delete(dir.resolve("part-7.txt"));

    Files.writeString(dir.resolve("part-1.txt"), "longer 1");
    assertRefused("part-1.txt is 8 bytes, where " + dir.resolve("parts.manifest.json")
        + " lists 6");
    Files.delete(dir.resolve("part-1.txt"));
    assertRefused("parts.manifest.json lists part-1.txt, which is missing");

    FileSet next = set(2);
    List<StagedFile> staged = stage(next, "next");
    Files.writeString(dir.resolve("parts.manifest.json"), SetManifest.renderIncomplete(
        FileSet.noFields(), staged, MEMBERS, List.of())); // killed after the commit's step 2
    assertRefused("which says it is incomplete");
    next.commit(staged, FileSet.noFields());
    assertEquals(2, readableFiles(2).size(), "the next commit makes it whole");
  }

  @Test
  void aFileChangedToTheSameSizeIsCaughtWhenReadToItsEnd() throws Exception {
    commitNew(1, "right");
    Files.writeString(dir.resolve("part-0.txt"), "wrong 0");
    ManifestCheck check = new ManifestCheck();
    Metadata file = metadata("part-0.txt");
    ManifestCheck.Listed listed = check.check(file).orElseThrow();
    try (InputStream in = ManifestCheck.verifying(Files.newInputStream(dir.resolve(
        "part-0.txt")), "part-0.txt", listed)) {
      SetMismatchException refused = assertThrows(SetMismatchException.class,
          in::readAllBytes);
      assertTrue(refused.getMessage().startsWith("part-0.txt: 7 bytes with CRC32C "),
          refused.getMessage());
    }
  }

  @Test
  void filesNoSetOwnsAndManifestsThemselvesAreToldApart() throws Exception {
    commitNew(1, "one");
    Files.writeString(dir.resolve("other.txt"), "mine");
    ManifestCheck check = new ManifestCheck();
    assertEquals(Optional.empty(), check.check(metadata("other.txt")));
    assertFalse(check.isManifest(metadata("other.txt")));
    assertTrue(check.isManifest(metadata("parts.manifest.json")));
  }

  private FileSet set(int files) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      names.add("part-" + i + ".txt");
    }
    return FileSet.of(dir.toString(), "parts", names, "parts.manifest.json")
        .withMembers(MEMBERS);
  }

  /** A run that writes the set of {@code files} files holding {@code text}, to the end. */
  private void commitNew(int files, String text) throws IOException {
    FileSet set = set(files);
    set.commit(stage(set, text), FileSet.noFields());
  }

  private static List<StagedFile> stage(FileSet set, String text) throws IOException {
    List<StagedFile> staged = new ArrayList<>();
    for (int i = 0; i < set.files().size(); i++) {
      staged.add(set.stage(set.files().get(i), text + " " + i));
    }
    return staged;
  }

  /** The files the check lets a reader read, of the set's first {@code files} parts. */
  private List<ManifestCheck.Listed> readableFiles(int files) throws IOException {
    ManifestCheck check = new ManifestCheck();
    List<ManifestCheck.Listed> listed = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      listed.add(check.check(metadata("part-" + i + ".txt")).orElseThrow());
    }
    return listed;
  }

  private void assertRefused(String message) throws IOException {
    ManifestCheck check = new ManifestCheck();
    SetMismatchException refused = assertThrows(SetMismatchException.class, () -> {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          check.check(metadata(file.getFileName().toString()));
        }
      }
    });
    assertTrue(refused.getMessage().contains(message), refused.getMessage());
  }

  private Metadata metadata(String name) throws IOException {
    return FileSystems.matchSingleFileSpec(dir.resolve(name).toString());
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name), UTF_8);
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
