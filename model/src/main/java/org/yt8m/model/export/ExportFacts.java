package org.yt8m.model.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.yt8m.model.train.ModelFlags;

/**
 * What an export weighs and how it stores its weights, recorded in its
 * {@code model_flags.json} ({@value #PRECISION}, {@value #SIZE}) and printed: the 2018
 * challenge capped a model at 1 GB, so a user sizing an ensemble or a float16 export needs the
 * number.
 *
 * @param precision how the weights are stored
 * @param sizeBytes the SavedModel's files ({@code saved_model.pb} and {@code variables/}),
 *     without {@code model_flags.json}
 */
public record ExportFacts(ExportPrecision precision, long sizeBytes) {
  public static final String PRECISION = "export_precision";
  public static final String SIZE = "export_size_bytes";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The facts of the SavedModel in {@code dir}, written with {@code precision}. */
  public static ExportFacts of(Path dir, ExportPrecision precision) throws IOException {
    long size = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file) && !file.getFileName().toString()
            .equals(ModelFlags.FILE_NAME)) {
          size += Files.size(file);
        }
      }
    }
    return new ExportFacts(precision, size);
  }

  /** {@code flagsJson}, a {@code model_flags.json} text, with these facts added. */
  public String addTo(String flagsJson) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(flagsJson);
      root.put(PRECISION, precision.flagValue());
      root.put(SIZE, sizeBytes);
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 12.3 MB, float16}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,.1f MB, %s", sizeBytes / 1e6, precision.flagValue());
  }
}
