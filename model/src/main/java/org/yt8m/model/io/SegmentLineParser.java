package org.yt8m.model.io;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses one data line of a segment submission ({@code Class,Segments}: a class, a comma, then
 * space-separated segment ids {@code <video id>:<start frame>}, best first; the segments quoted
 * as a {@link CsvField} when an id holds a comma, a quote or a line break), keeping the first
 * {@code topN}. A line whose class cannot be read is rejected with a reason code. Otherwise the
 * class is always scored, as the starter's script scores it: a segment id that names no rated
 * segment simply never matches, and a repeated id keeps its first (best) rank, the repeats
 * being dropped and counted ({@link Parsed#duplicates}) rather than counted twice.
 */
public final class SegmentLineParser {
  /** The header of a segment submission. */
  public static final String HEADER = "Class,Segments";

  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** A parsed line: the class, its ranked distinct segment ids, the repeats dropped. */
  public record Parsed(int classId, List<String> segments, int duplicates) {}

  private final int numClasses;
  private final int topN;

  /**
   * @param numClasses classes must lie in {@code [0, numClasses)}
   * @param topN segments kept per class, 0 for all
   */
  public SegmentLineParser(int numClasses, int topN) {
    this.numClasses = numClasses;
    this.topN = topN;
  }

  public Parsed parse(String line) throws BadLineException {
    int comma = line.indexOf(',');
    if (comma < 0) {
      throw new BadLineException("malformed_line", "no comma between the class and the "
          + "segments");
    }
    String classToken = line.substring(0, comma).trim();
    int classId;
    try {
      classId = Integer.parseInt(classToken);
    } catch (NumberFormatException e) {
      throw new BadLineException("bad_class", "class '" + classToken + "' is not an integer");
    }
    if (classId < 0 || classId >= numClasses) {
      throw new BadLineException("class_out_of_range", "class " + classId + " out of range "
          + "[0, " + numClasses + ")");
    }
    String rest = line.substring(comma + 1).trim();
    if (rest.startsWith("\"")) {
      CsvField.Read quoted = CsvField.read(rest, 0);
      if (quoted.end() < rest.length()) {
        throw new BadLineException("malformed_line", "a comma after the quoted segments: a "
            + "line has two fields");
      }
      rest = quoted.value().trim();
    }
    String[] tokens = rest.isEmpty() ? new String[0] : SPACES.split(rest);
    int kept = topN > 0 ? Math.min(topN, tokens.length) : tokens.length;
    List<String> segments = new ArrayList<>(kept);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < kept; i++) {
      if (seen.add(tokens[i])) {
        segments.add(tokens[i]);
      }
    }
    return new Parsed(classId, segments, kept - segments.size());
  }
}
