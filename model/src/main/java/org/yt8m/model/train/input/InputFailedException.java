package org.yt8m.model.train.input;

/**
 * The input pipeline stopped because its shards cannot be read: a shard's TFRecord framing is
 * corrupt (the reader cannot know where the next record starts, so the record cannot be
 * skipped), a shard cannot be opened, an epoch found no valid record at all, or a pipeline
 * thread failed. The message names the shard and, for corrupt framing, the record's index and
 * byte offset; the cause, when there is one, is the reader's exception. Unchecked, because a
 * training loop can only stop on it.
 */
public final class InputFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputFailedException(String message) {
    super(message);
  }

  public InputFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
