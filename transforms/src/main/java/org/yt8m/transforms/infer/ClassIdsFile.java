package org.yt8m.transforms.infer;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.util.TreeSet;
import org.apache.beam.sdk.io.FileSystems;

/**
 * The starter's {@code segment_label_ids_file}: a one-column CSV of class ids under a header
 * (the 1000 classes rated in the 2019 segment data). Read once when the pipeline is built.
 * Unlike the starter, which skips every line that is not an integer, only line 1 may be other
 * than a class id: a malformed id elsewhere is an error naming the line.
 */
public final class ClassIdsFile {
  private ClassIdsFile() {}

  /** The class ids of the file at {@code path} (local or any Beam file system's), sorted. */
  public static int[] read(String path, int numClasses) throws IOException {
    TreeSet<Integer> classes = new TreeSet<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(Channels
        .newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false))), UTF_8))) {
      int number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || (number == 1 && !text.matches("\\d+"))) {
          continue;
        }
        int id;
        try {
          id = Integer.parseInt(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(path + " line " + number + ": '" + text
              + "' is not a class id", e);
        }
        if (id < 0 || id >= numClasses) {
          throw new IllegalArgumentException(path + " line " + number + ": class " + id
              + " is not in [0, " + numClasses + ")");
        }
        classes.add(id);
      }
    }
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(path + " lists no class id");
    }
    return classes.stream().mapToInt(Integer::intValue).toArray();
  }
}
