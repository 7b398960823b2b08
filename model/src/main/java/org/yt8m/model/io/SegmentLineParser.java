package org.yt8m.model.io;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses one data line of a segment submission ({@code Class,Segments}: a class, a comma, then
 * space-separated segment ids {@code <video id>:<start frame>}, best first), keeping the first
 * {@code topN}. Rejects, with a reason code, what a submission must not hold.
 */
public final class SegmentLineParser {
  /** The header of a segment submission. */
  public static final String HEADER = "Class,Segments";

  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** A parsed line: the class and its ranked segment ids. */
  public record Parsed(int classId, List<String> segments) {}

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
    String[] tokens = rest.isEmpty() ? new String[0] : SPACES.split(rest);
    int kept = topN > 0 ? Math.min(topN, tokens.length) : tokens.length;
    List<String> segments = new ArrayList<>(kept);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < kept; i++) {
      String segment = tokens[i];
      int colon = segment.lastIndexOf(':');
      if (colon <= 0 || colon == segment.length() - 1) {
        throw new BadLineException("bad_segment", "segment '" + segment + "' is not "
            + "<video id>:<start frame>");
      }
      if (!seen.add(segment)) {
        throw new BadLineException("duplicate_segment", "segment " + segment
            + " appears twice");
      }
      segments.add(segment);
    }
    return new Parsed(classId, segments);
  }
}
