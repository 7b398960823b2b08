package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes into a local trainDir: whole, with the process's umask, leaving no temporaries. */
class LocalTrainDirTest {
  @TempDir
  Path root;
  @TempDir
  Path scratch;

  @Test
  void filesAreWrittenWithTheUmaskLikeAnyOther() throws Exception {
    // What this process's umask gives a new file (0644 under the usual 022).
    Set<PosixFilePermission> usual = Files.getPosixFilePermissions(
        Files.createFile(scratch.resolve("plain")));
    TrainDir dir = TrainDir.local(root);
    dir.writeString("model_flags.json", "{}");
    dir.writeString("export/latest", "step_1\n");
    dir.upload(Files.writeString(scratch.resolve("ckpt"), "bytes"), "model.ckpt-1.index");

    for (String file : List.of("model_flags.json", "export/latest", "model.ckpt-1.index")) {
      assertEquals(usual, Files.getPosixFilePermissions(root.resolve(file)), file);
    }
    assertEquals(List.of("export", "model.ckpt-1.index", "model_flags.json"), dir.list(""),
        "no temporary left behind");
  }

  @Test
  void aDirectoryIsReplacedWhole() throws Exception {
    TrainDir dir = TrainDir.local(root);
    Files.createDirectories(root.resolve("export/step_4/variables"));
    Files.writeString(root.resolve("export/step_4/variables/old.data"), "old");
    Path local = Files.createDirectories(scratch.resolve("export/variables"));
    Files.writeString(local.resolve("variables.index"), "index");
    Files.writeString(scratch.resolve("export/model_flags.json"), "{}");

    dir.uploadDirectory(scratch.resolve("export"), "export/step_4", "model_flags.json");

    assertEquals(List.of("model_flags.json", "variables"), dir.list("export/step_4"));
    assertEquals(List.of("variables.index"), dir.list("export/step_4/variables"));
    assertEquals(List.of("step_4"), dir.list("export"));
  }

  @Test
  void temporariesOfKilledWritesAreDeletedOnceOldEnough() throws Exception {
    TrainDir dir = TrainDir.local(root);
    Files.writeString(root.resolve(".model_flags.json123.tmp"), "half"); // an older version's
    Files.createDirectories(root.resolve(TrainDir.temporaryName()).resolve("variables"));
    Path fresh = Files.writeString(root.resolve(TrainDir.temporaryName()), "being written");
    Files.writeString(root.resolve("checkpoint"), "kept");
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    try (var files = Files.list(root)) {
      for (Path file : files.filter(f -> !f.equals(fresh)).toList()) {
        Files.setLastModifiedTime(file, FileTime.from(hourAgo));
      }
    }

    assertEquals(2, dir.deleteTemporaries("", Duration.ofMinutes(10)).size());
    assertEquals(List.of(fresh.getFileName().toString(), "checkpoint"), dir.list(""));
    assertEquals(List.of(fresh.getFileName().toString()),
        dir.deleteTemporaries("", Duration.ZERO));
    assertFalse(Files.exists(fresh));
    assertTrue(Files.exists(root.resolve("checkpoint")));
  }
}
