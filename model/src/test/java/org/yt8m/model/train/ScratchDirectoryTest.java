package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scratch directories go on close, and those of killed processes at the next creation. */
class ScratchDirectoryTest {

  @Test
  void closingDeletesIt() throws Exception {
    Path path;
    try (ScratchDirectory scratch = ScratchDirectory.create("test")) {
      path = scratch.path();
      Files.writeString(path.resolve("staged"), "x");
      assertTrue(path.getFileName().toString().startsWith("yt8m-test-"), path.toString());
    }
    assertFalse(Files.exists(path));
  }

  @Test
  void aLiveOneIsKept() throws Exception {
    try (ScratchDirectory live = ScratchDirectory.create("test")) {
      ScratchDirectory.deleteAbandoned(live.path().getParent());
      assertTrue(Files.exists(live.path()));
    }
  }

  /**
   * A sweep in the owner's own JVM must not release the owner's lock (closing any descriptor
   * of a file drops the process's POSIX locks on it): another process still cannot lock it.
   */
  @Test
  void aSweepInTheOwnersJvmKeepsItsLock(@TempDir Path temp) throws Exception {
    try (ScratchDirectory live = ScratchDirectory.create("test")) {
      ScratchDirectory.deleteAbandoned(live.path().getParent());
      Path probe = temp.resolve("LockProbe.java");
      Files.writeString(probe, "import java.nio.channels.FileChannel;\n"
          + "import java.nio.file.*;\n"
          + "public class LockProbe { public static void main(String[] a) throws Exception {\n"
          + "  try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {\n"
          + "    System.exit(c.tryLock() == null ? 0 : 3); } } }\n");
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
          "java").toString(), probe.toString(), live.path().resolve(".owner.lock").toString())
          .inheritIO().start();
      assertEquals(0, process.waitFor(), "another process could take the live lock");
    }
  }

  @Test
  void oneWhoseProcessIsGoneIsDeleted(@TempDir Path temp) throws Exception {
    // What kill -9 leaves: the lock file, no longer locked by anyone.
    Path killed = Files.createDirectories(temp.resolve("yt8m-train-123"));
    Files.writeString(killed.resolve(".owner.lock"), "");
    Files.writeString(killed.resolve("model.ckpt-4.index"), "x");
    Path older = Files.createDirectories(temp.resolve("yt8m-train456")); // no lock: unknown
    Path unrelated = Files.createDirectories(temp.resolve("other-train-123"));
    Files.writeString(unrelated.resolve(".owner.lock"), "");

    ScratchDirectory.deleteAbandoned(temp);
    assertFalse(Files.exists(killed));
    assertTrue(Files.exists(older));
    assertTrue(Files.exists(unrelated));
  }
}
