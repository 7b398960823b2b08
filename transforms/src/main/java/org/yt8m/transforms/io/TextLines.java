package org.yt8m.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileIO;

/**
 * Reads a text input (a predictions file, a segment submission) line by line with 1-based line
 * numbers, which TextIO does not give, so a bad line's dead letter can say where it is. Skips
 * blank lines and a first line equal to the format's header.
 */
public final class TextLines {
  /** What to do with one data line. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(long number, String line);
  }

  private TextLines() {}

  /** Calls {@code consumer} for each data line of {@code file}. */
  public static void forEach(FileIO.ReadableFile file, String header, LineConsumer consumer)
      throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        Channels.newInputStream(file.open()), UTF_8), 1 << 20)) {
      long number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        boolean isHeader = number == 1 && line.strip().equalsIgnoreCase(header);
        if (!isHeader && !line.isBlank()) {
          consumer.accept(number, line);
        }
      }
    }
  }
}
