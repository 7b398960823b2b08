package org.yt8m.transforms.io;

import java.io.IOException;

/**
 * A file that its set's manifest does not describe: a stray of an earlier set, a file changed or
 * missing since the set was committed, or a set whose commit was interrupted. The message names
 * the file, the manifest and what differs.
 */
public final class SetMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public SetMismatchException(String message) {
    super(message);
  }
}
