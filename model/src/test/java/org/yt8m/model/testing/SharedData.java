package org.yt8m.model.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The real YouTube-8M shards in {@code ../shared/data} beside the checkout (never copied into the
 * repository). Tests that need them call {@link #folder}, which skips the test with a message
 * saying what is missing when the folder is absent.
 */
public final class SharedData {
  private SharedData() {}

  /**
   * The release folder {@code name} (e.g. {@code yt8m-2018-video}), or the test is skipped.
   * The root comes from the {@code yt8m.sharedData} system property that the build sets, or else
   * {@code ../shared/data} above the working directory.
   */
  public static Path folder(String name) {
    Path root = root();
    Path folder = root.resolve(name);
    assumeTrue(Files.isDirectory(folder), () -> "skipped: the real YouTube-8M shards are not at "
        + folder + " (put the shared/ folder beside the checkout to run this test)");
    return folder;
  }

  private static Path root() {
    String property = System.getProperty("yt8m.sharedData");
    if (property != null && !property.isEmpty()) {
      return Paths.get(property).toAbsolutePath().normalize();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Paths.get("..", "shared", "data").toAbsolutePath().normalize();
  }
}
