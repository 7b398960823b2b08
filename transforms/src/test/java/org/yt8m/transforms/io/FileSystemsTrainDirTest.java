package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.train.LeaseFile;
import org.yt8m.model.train.TrainDir;

/**
 * The remote training directory, exercised through Beam's local file system: the code path
 * a {@code gs://} trainDir takes (no local path, so the trainer stages and uploads).
 */
class FileSystemsTrainDirTest {

  @Test
  void writesReadsListsAndDeletesNestedFiles(@TempDir Path root, @TempDir Path scratch)
      throws Exception {
    TrainDir dir = new FileSystemsTrainDir(root.toString());
    assertEquals(Optional.empty(), dir.localPath());
    assertEquals(Optional.empty(), dir.readString("export/latest"));
    assertEquals(List.of(), dir.list("export"));

    dir.writeString("export/latest", "step_4\n");
    Path local = Files.writeString(scratch.resolve("v.index"), "bytes");
    dir.upload(local, "export/step_4/variables/variables.index");
    dir.writeString("checkpoint", "x");

    assertEquals(Optional.of("step_4\n"), dir.readString("export/latest"));
    assertTrue(dir.exists("export/step_4/variables/variables.index"));
    assertEquals(List.of("latest", "step_4"), dir.list("export"));
    assertEquals(List.of("checkpoint", "export"), dir.list(""));
    try (var files = Files.list(root.resolve("export"))) {
      assertEquals(2, files.count(), "no temporary file left behind");
    }

    Path back = scratch.resolve("copy/v.index");
    dir.download("export/step_4/variables/variables.index", back);
    assertEquals("bytes", Files.readString(back));
    dir.delete("checkpoint");
    assertFalse(dir.exists("checkpoint"));
    assertThrows(FileNotFoundException.class, () -> dir.download("nope", back));
  }

  @Test
  void aDirectoryIsReplacedWithItsMarkerLastAndTemporariesAreDeleted(@TempDir Path root,
      @TempDir Path scratch) throws Exception {
    TrainDir dir = new FileSystemsTrainDir(root.toString());
    Files.createDirectories(root.resolve("export/step_4/variables"));
    Files.writeString(root.resolve("export/step_4/variables/stale.data"), "old");
    Files.writeString(root.resolve("export/step_4/model_flags.json"), "old");
    Files.createDirectories(scratch.resolve("variables"));
    Files.writeString(scratch.resolve("variables/variables.index"), "index");
    Files.writeString(scratch.resolve("model_flags.json"), "new");
    Files.writeString(root.resolve(".killed-write.tmp"), "half");

    dir.uploadDirectory(scratch, "export/step_4", "model_flags.json");

    assertEquals(List.of("model_flags.json", "variables"), dir.list("export/step_4"));
    assertEquals(List.of("variables.index"), dir.list("export/step_4/variables"));
    assertEquals(Optional.of("new"), dir.readString("export/step_4/model_flags.json"));
    assertEquals(List.of(), dir.deleteTemporaries("", Duration.ofHours(1)), "too new");
    assertEquals(List.of(".killed-write.tmp"), dir.deleteTemporaries("", Duration.ZERO));
    assertEquals(List.of("export"), dir.list(""));
  }

  @Test
  void aLocalPathHoldsItsLeaseLocally(@TempDir Path root) throws Exception {
    LeaseFile lease = new FileSystemsTrainDir(root.toString()).leaseFile("trainer.lease");
    assertTrue(lease.create("me"));
    assertFalse(lease.create("another"));
    assertEquals("me", Files.readString(root.resolve("trainer.lease")));
  }

  @Test
  void aLocalLocationIsWrittenInPlace(@TempDir Path root) {
    assertEquals(Optional.of(root), FileSystemsTrainDir.of(root.toString()).localPath());
  }
}
