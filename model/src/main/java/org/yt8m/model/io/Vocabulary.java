package org.yt8m.model.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes' names and verticals from the dataset's {@code vocabulary.csv}
 * ({@value #HEADER_LINE}), one line per class index. Parsed as RFC 4180 CSV through
 * {@link CsvField}: descriptions hold quoted commas, doubled quotes and line breaks. The
 * indexes must be exactly {@code 0..n-1}, each once; anything else is an error naming the
 * file, the line and the field. Immutable.
 */
public final class Vocabulary implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String FILE_NAME = "vocabulary.csv";
  public static final String HEADER_LINE = "Index,TrainVideoCount,KnowledgeGraphId,Name,WikiUrl,"
      + "Vertical1,Vertical2,Vertical3,WikiDescription";
  private static final String INDEX = "Index";
  private static final String NAME = "Name";
  private static final String VERTICAL = "Vertical1";

  private final String source;
  private final String[] names;
  private final String[] verticals;

  private Vocabulary(String source, String[] names, String[] verticals) {
    this.source = source;
    this.names = names;
    this.verticals = verticals;
  }

  /**
   * Parses {@code text}, the contents of {@code source} (named in errors).
   *
   * @throws IllegalArgumentException naming the source, line and field of what is wrong
   */
  public static Vocabulary parse(String text, String source) {
    List<Line> lines = records(text.startsWith("\uFEFF") ? text.substring(1) : text, source);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(source + " is empty: a vocabulary starts with the "
          + "header " + HEADER_LINE);
    }
    Line header = lines.get(0);
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < header.fields().size(); i++) {
      columns.putIfAbsent(header.fields().get(i).strip(), i);
    }
    for (String column : List.of(INDEX, NAME, VERTICAL)) {
      if (!columns.containsKey(column)) {
        throw new IllegalArgumentException(source + " line " + header.number() + ": the "
            + "header has no " + column + " column (a vocabulary's header is " + HEADER_LINE
            + ")");
      }
    }
    TreeMap<Integer, Line> byIndex = new TreeMap<>();
    for (Line line : lines.subList(1, lines.size())) {
      if (line.fields().size() != header.fields().size()) {
        throw new IllegalArgumentException(source + " line " + line.number() + ": "
            + line.fields().size() + " fields, but the header has " + header.fields().size()
            + " (a field holding a comma must be quoted)");
      }
      int index = index(line.fields().get(columns.get(INDEX)), source, line.number());
      Line first = byIndex.putIfAbsent(index, line);
      if (first != null) {
        throw new IllegalArgumentException(source + " line " + line.number() + ": index "
            + index + " again (first on line " + first.number() + ")");
      }
    }
    if (byIndex.isEmpty()) {
      throw new IllegalArgumentException(source + " names no class: it has a header only");
    }
    int size = byIndex.lastKey() + 1;
    String[] names = new String[size];
    String[] verticals = new String[size];
    for (int c = 0; c < size; c++) {
      Line line = byIndex.get(c);
      if (line == null) {
        throw new IllegalArgumentException(source + " has no line for index " + c
            + " (its indexes run from 0 to " + (size - 1) + "; each class needs one)");
      }
      names[c] = line.fields().get(columns.get(NAME));
      verticals[c] = line.fields().get(columns.get(VERTICAL));
    }
    return new Vocabulary(source, names, verticals);
  }

  /** The number of classes: indexes {@code 0..size()-1}. */
  public int size() {
    return names.length;
  }

  /** The name of class {@code index}, e.g. {@code Guitar}. */
  public String name(int index) {
    return names[index];
  }

  /** The primary vertical ({@code Vertical1}) of class {@code index}, e.g. {@code Arts}. */
  public String vertical(int index) {
    return verticals[index];
  }

  /**
   * This vocabulary, checked to name exactly the {@code numClasses} classes of {@code what}.
   *
   * @throws IllegalArgumentException when it names more or fewer
   */
  public Vocabulary requireClasses(int numClasses, String what) {
    if (size() != numClasses) {
      throw new IllegalArgumentException(source + " names " + size() + " classes, but "
          + what + " has " + numClasses + ": give the vocabulary of the same release");
    }
    return this;
  }

  /** Where it was read from. */
  public String source() {
    return source;
  }

  /** A CSV record: the line it starts on and its fields. */
  private record Line(int number, List<String> fields) {}

  /** The records of {@code text}; a quoted field may span lines. Blank lines are skipped. */
  private static List<Line> records(String text, String source) {
    String[] physical = text.split("\n", -1);
    List<Line> records = new ArrayList<>();
    for (int i = 0; i < physical.length; i++) {
      int number = i + 1;
      StringBuilder record = new StringBuilder(stripCr(physical[i]));
      while (quotes(record) % 2 == 1) {
        if (++i == physical.length) {
          throw new IllegalArgumentException(source + " line " + number + ": a quoted field "
              + "is never closed");
        }
        record.append('\n').append(stripCr(physical[i]));
      }
      if (!record.toString().isBlank()) {
        records.add(new Line(number, fields(record.toString(), source, number)));
      }
    }
    return records;
  }

  private static List<String> fields(String record, String source, int number) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    while (true) {
      CsvField.Read field;
      try {
        field = CsvField.read(record, start);
      } catch (BadLineException e) {
        throw new IllegalArgumentException(source + " line " + number + ": " + e.getMessage());
      }
      fields.add(field.value());
      if (field.end() >= record.length()) {
        return fields;
      }
      start = field.end() + 1;
    }
  }

  private static int index(String field, String source, int number) {
    try {
      int index = Integer.parseInt(field.strip());
      if (index >= 0) {
        return index;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(source + " line " + number + ", field Index: \""
        + field + "\" is not a class index (a whole number from 0)");
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static int quotes(CharSequence text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '"') {
        count++;
      }
    }
    return count;
  }
}
