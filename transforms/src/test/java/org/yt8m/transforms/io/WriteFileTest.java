package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
