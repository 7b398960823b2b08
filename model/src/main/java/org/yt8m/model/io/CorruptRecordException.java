package org.yt8m.model.io;

import java.io.IOException;

/**
 * A TFRecord shard whose framing is broken (a checksum mismatch, a truncated record). Unlike an
 * invalid record, this is not skippable: the reader cannot know where the next record starts,
 * so the job fails with a message naming the file, the record's index and byte offset.
 */
public final class CorruptRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }
}
