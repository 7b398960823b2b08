package org.yt8m.transforms.io;

import java.io.Serializable;
import java.util.Comparator;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.jspecify.annotations.Nullable;
import org.yt8m.transforms.coders.DeadLetterCoder;

/**
 * An input element a transform could not use, and why: where it was ({@code source}, the file,
 * and {@code location}, e.g. {@code record 17} or {@code line 5}), the record's id when it was
 * read, a stable snake_case {@code reason} that names its counter and report key, and a message
 * with the particulars.
 *
 * @param position the 0-based record index (TFRecord inputs) or 1-based line number (text
 *     inputs), for ordering; {@code location} says which
 */
@DefaultCoder(DeadLetterCoder.class)
public record DeadLetter(String source, long position, String location,
    @Nullable String recordId, String reason, String message) implements Serializable {

  /** Orders dead letters by file then position: which examples a report shows is stable. */
  public static final Comparator<DeadLetter> BY_PLACE = Comparator
      .comparing(DeadLetter::source).thenComparingLong(DeadLetter::position);

  /** A dead letter of a TFRecord input: record {@code index} of {@code file}. */
  public static DeadLetter ofRecord(String file, long index, @Nullable String recordId,
      String reason, String message) {
    return new DeadLetter(file, index, "record " + index, recordId, reason, message);
  }

  /** One line: {@code file record 17 (id abc): missing_feature: missing feature mean_rgb}. */
  @Override
  public String toString() {
    return source + " " + location + (recordId == null ? "" : " (id " + recordId + ")") + ": "
        + reason + ": " + message;
  }
}
