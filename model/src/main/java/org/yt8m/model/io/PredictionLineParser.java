package org.yt8m.model.io;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.yt8m.model.metrics.Scores;

/**
 * Parses one data line of a predictions CSV ({@code VideoId,LabelConfidencePairs}: an id, a
 * comma, then space-separated class and score pairs) into an id and pairs ranked by score,
 * ties by lower class: the file's order is not trusted. The id is a {@link CsvField}: quoted
 * as RFC 4180 says when it holds a comma, a quote or a line break, otherwise as it is (trimmed).
 * Rejects, with a reason code, what the starter code would never have written. One parser for
 * the Beam read and the plain loops.
 */
public final class PredictionLineParser {
  /** The header the starter code writes. */
  public static final String HEADER = "VideoId,LabelConfidencePairs";

  private static final Pattern SPACES = Pattern.compile("\\s+");

  /**
   * Whether {@code token} is a decimal number as C's %g or %f writes it, {@code [-+]?(digits
   * [.digits] | .digits)([eE][-+]?digits)?}: no NaN, Infinity, hex or type suffixes. A scan, not
   * a regular expression: it runs for every score of every line.
   */
  static boolean isDecimal(String token) {
    int i = 0;
    int n = token.length();
    if (i < n && (token.charAt(i) == '-' || token.charAt(i) == '+')) {
      i++;
    }
    int digits = 0;
    while (i < n && isAsciiDigit(token.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && token.charAt(i) == '.') {
      i++;
      while (i < n && isAsciiDigit(token.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (token.charAt(i) == 'e' || token.charAt(i) == 'E')) {
      i++;
      if (i < n && (token.charAt(i) == '-' || token.charAt(i) == '+')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < n && isAsciiDigit(token.charAt(i))) {
        i++;
        exponentDigits++;
      }
      if (exponentDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A parsed line: the video id and its ranked pairs. */
  public record Parsed(String id, int[] ranked, float[] scores) {}

  private final int numClasses;

  public PredictionLineParser(int numClasses) {
    this.numClasses = numClasses;
  }

  public Parsed parse(String line) throws BadLineException {
    CsvField.Read idField = CsvField.read(line, 0);
    if (idField.end() == line.length()) {
      throw new BadLineException("malformed_line", "no comma between the video id and the pairs");
    }
    String id = idField.quoted() ? idField.value() : idField.value().trim();
    if (id.isEmpty()) {
      throw new BadLineException("missing_id", "empty video id");
    }
    String pairs = line.substring(idField.end() + 1).trim();
    String[] tokens = pairs.isEmpty() ? new String[0] : SPACES.split(pairs);
    if (tokens.length % 2 != 0) {
      throw new BadLineException("odd_token_count", tokens.length + " tokens after the id: pairs of "
          + "class and score need an even number");
    }
    int pairCount = tokens.length / 2;
    long[] keys = new long[pairCount];
    for (int i = 0; i < pairCount; i++) {
      String classToken = tokens[2 * i];
      String scoreToken = tokens[2 * i + 1];
      int c;
      try {
        c = Integer.parseInt(classToken);
      } catch (NumberFormatException e) {
        throw new BadLineException("bad_class", "class '" + classToken + "' is not an integer");
      }
      if (c < 0 || c >= numClasses) {
        throw new BadLineException("class_out_of_range", "class " + c + " out of range [0, "
            + numClasses + ")");
      }
      if (!isDecimal(scoreToken)) {
        throw new BadLineException("bad_score", "score '" + scoreToken + "' of class " + c
            + " is not a finite decimal number");
      }
      float score = Float.parseFloat(scoreToken);
      if (!Float.isFinite(score)) {
        throw new BadLineException("bad_score", "score '" + scoreToken + "' of class " + c
            + " overflows float32");
      }
      // Sorting these keys ranks by score, highest first, then by class.
      keys[i] = ((long) ~Scores.sortableBits(score) << 32) | c;
    }
    Arrays.sort(keys);
    int[] ranked = new int[pairCount];
    float[] scores = new float[pairCount];
    for (int i = 0; i < pairCount; i++) {
      ranked[i] = (int) keys[i];
      scores[i] = Scores.fromSortableBits(~(int) (keys[i] >> 32));
    }
    int[] byClass = ranked.clone();
    Arrays.sort(byClass);
    for (int i = 1; i < pairCount; i++) {
      if (byClass[i] == byClass[i - 1]) {
        throw new BadLineException("duplicate_class", "class " + byClass[i] + " appears twice");
      }
    }
    return new Parsed(id, ranked, scores);
  }
}
