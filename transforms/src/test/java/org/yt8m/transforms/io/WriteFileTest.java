package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteFileTest {
  @TempDir
  Path dir;

  /** A full disk says "No space left on device" and nothing of where: the error names it. */
  @Test
  void aFailedWriteNamesTheFileItWasWriting() {
    Path target = dir.resolve("metrics.json");
    IOException e = assertThrows(IOException.class, () -> WriteFile.write(target.toString(),
        MimeTypes.TEXT, out -> {
          out.write('{');
          throw new IOException("No space left on device");
        }));
    assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
    assertFalse(Files.exists(target), "nothing half written where readers look");
  }

  @Test
  void aWriteWhoseBodyFailsLeavesNoTemporary() throws IOException {
    Path target = dir.resolve("metrics.json");
    assertThrows(IOException.class, () -> WriteFile.write(target.toString(), MimeTypes.TEXT,
        out -> {
          out.write('{');
          throw new IOException("No space left on device");
        }));
    assertThrows(IllegalStateException.class, () -> WriteFile.write(target.toString(),
        MimeTypes.TEXT, out -> {
          out.write('{');
          throw new IllegalStateException("a value that cannot be written");
        }));
    assertEquals(List.of(), listing(), "no temporary left behind");
  }

  /** Another process's sweep deleted the temporary: the write fails instead of writing nothing. */
  @Test
  void aWriteWhoseTemporaryIsGoneFailsNamingTheFile() throws IOException {
    Path target = dir.resolve("metrics.json");
    IOException e = assertThrows(IOException.class, () -> WriteFile.write(target.toString(),
        MimeTypes.TEXT, out -> {
          out.write('{');
          for (String temporary : listing()) {
            Files.delete(dir.resolve(temporary));
          }
        }));
    assertTrue(e.getMessage().startsWith("cannot write " + target + ": renaming its temporary "),
        e.getMessage());
    assertEquals(List.of(), listing());
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
