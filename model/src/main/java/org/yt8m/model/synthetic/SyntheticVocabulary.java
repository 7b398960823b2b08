package org.yt8m.model.synthetic;

import java.util.List;
import java.util.Locale;
import org.yt8m.model.io.CsvField;
import org.yt8m.model.io.Vocabulary;

/**
 * A {@code vocabulary.csv} for synthetic data, in the dataset's format: one line per class,
 * named after it ({@code Synthetic class 17}), a vertical drawn from a fixed list, a training
 * count following {@link SyntheticVideos}' Zipf-like class frequencies, and a description with
 * a quoted comma and doubled quotes, as the real file's descriptions have, so that every
 * reader of it meets them.
 */
public final class SyntheticVocabulary {
  static final List<String> VERTICALS = List.of("Arts & Entertainment", "Games",
      "Autos & Vehicles", "Sports", "Food & Drink", "Science", "Pets & Animals",
      "Business & Industrial");

  private SyntheticVocabulary() {}

  /** The file's text for {@code numClasses} classes. */
  public static String csv(int numClasses) {
    StringBuilder csv = new StringBuilder(Vocabulary.HEADER_LINE).append('\n');
    for (int c = 0; c < numClasses; c++) {
      String name = "Synthetic class " + c;
      String vertical = VERTICALS.get(c % VERTICALS.size());
      String description = "A class of the hidden model, number " + c + ", in \"" + vertical
          + "\".";
      csv.append(String.join(",", String.valueOf(c), String.valueOf(100_000 / (c + 1)),
          String.format(Locale.ROOT, "/m/synthetic%d", c), CsvField.escape(name),
          "https://example.org/yt8m-synthetic/" + c, CsvField.escape(vertical), "", "",
          CsvField.escape(description))).append('\n');
    }
    return csv.toString();
  }
}
