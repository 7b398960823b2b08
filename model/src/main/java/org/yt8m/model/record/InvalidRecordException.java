package org.yt8m.model.record;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A record that decodes but is not valid YouTube-8M data, or does not decode at all. Readers
 * turn it into a dead letter; it carries no stack trace because it is data, not a bug.
 */
public final class InvalidRecordException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;
  private final @Nullable String recordId;

  public InvalidRecordException(RejectReason reason, @Nullable String recordId,
      String message) {
    super(message, null, false, false);
    this.reason = requireNonNull(reason);
    this.recordId = recordId;
  }

  public RejectReason reason() {
    return reason;
  }

  /** The record's id when it was read before the problem was found, else null. */
  public @Nullable String recordId() {
    return recordId;
  }
}
