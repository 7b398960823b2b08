package org.yt8m.model.io;

/**
 * One field of a CSV line as RFC 4180 writes it: as it is, or, when it holds a comma, a double
 * quote or a line break, between double quotes with its quotes doubled. Video ids are written
 * and read through here, so any id survives a predictions file or a segment submission: the
 * YouTube-8M ids never need quotes and are written byte for byte as the starter's inference.py
 * writes them, while an id such as {@code a,b} is written {@code "a,b"} instead of breaking its
 * line.
 */
public final class CsvField {
  private CsvField() {}

  /**
   * {@code value} as a CSV field: unchanged unless it holds a comma, a double quote, a carriage
   * return or a line feed, or starts or ends with white space (which readers here trim from a
   * field without quotes); then quoted.
   */
  public static String escape(String value) {
    return needsQuotes(value) ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  private static boolean needsQuotes(String value) {
    if (!value.isEmpty() && (Character.isWhitespace(value.charAt(0))
        || Character.isWhitespace(value.charAt(value.length() - 1)))) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  /**
   * A field read from a line: its value (unquoted, quotes undoubled; a field without quotes as
   * it is, white space included), whether it was quoted, and where the field ends in the line
   * (at the comma after it, or the line's length).
   */
  public record Read(String value, boolean quoted, int end) {}

  /**
   * Reads the field starting at {@code start} of {@code line}: quoted when its first character
   * is a double quote, then ending at the closing quote, which must be followed by a comma or
   * the end of the line; otherwise ending at the next comma.
   *
   * @throws BadLineException ({@code malformed_line}) for a quote that is never closed or text
   *     after a closing quote
   */
  public static Read read(String line, int start) throws BadLineException {
    if (start >= line.length() || line.charAt(start) != '"') {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? line.length() : comma;
      return new Read(line.substring(start, end), false, end);
    }
    StringBuilder value = new StringBuilder();
    int i = start + 1;
    while (true) {
      int quote = line.indexOf('"', i);
      if (quote < 0) {
        throw new BadLineException("malformed_line", "the quoted field that starts at "
            + "character " + (start + 1) + " is never closed");
      }
      value.append(line, i, quote);
      if (quote + 1 < line.length() && line.charAt(quote + 1) == '"') {
        value.append('"');
        i = quote + 2;
        continue;
      }
      int end = quote + 1;
      if (end < line.length() && line.charAt(end) != ',') {
        throw new BadLineException("malformed_line", "text after the closing quote of the "
            + "quoted field that starts at character " + (start + 1));
      }
      return new Read(value.toString(), true, end);
    }
  }
}
