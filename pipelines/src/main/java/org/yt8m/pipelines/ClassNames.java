package org.yt8m.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileSystems;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.yt8m.model.io.Vocabulary;

/** The {@code --vocabulary} of a job, read and checked when the pipeline is built. */
public final class ClassNames {
  private ClassNames() {}

  /**
   * The vocabulary {@code --vocabulary} names, checked to name the {@code numClasses} classes
   * of {@code what}; null without the flag.
   *
   * @throws java.io.UncheckedIOException when the file cannot be read, naming it
   * @throws IllegalArgumentException when it is not a valid vocabulary, naming the line
   */
  public static @Nullable Vocabulary read(VocabularyOptions options, int numClasses,
      String what) {
    String path = options.getVocabulary();
    if (path == null) {
      return null;
    }
    FileSystems.setDefaultPipelineOptions(options);
    String text;
    try (InputStream in = Channels.newInputStream(FileSystems.open(
        FileSystems.matchSingleFileSpec(path).resourceId()))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("--vocabulary=" + path + " cannot be read: "
          + e.getMessage(), e);
    }
    return Vocabulary.parse(text, path).requireClasses(numClasses, what);
  }
}
