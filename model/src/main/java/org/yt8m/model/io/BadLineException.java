package org.yt8m.model.io;

/**
 * A line of a text input (a predictions file, a segment submission) that is not valid: a
 * snake_case reason code that names its dead-letter counter, and a message with the particulars.
 * It is data, not a bug, so it carries no stack trace.
 */
public final class BadLineException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public BadLineException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The reason code, e.g. {@code bad_score}. */
  public String reason() {
    return reason;
  }
}
