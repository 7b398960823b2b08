package org.yt8m.model.train;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * A small file that at most one process holds, the primitive under {@link TrainerLease}: it is
 * created only when absent, and renewed, replaced or deleted only when unchanged since its
 * holder last saw it, so that two processes racing for it cannot both win and a renewal never
 * undoes another's takeover. On local disk that is an exclusive create, a touch and a rename
 * ({@link TrainDir#local}); on {@code gs://}, generation preconditions.
 */
public interface LeaseFile {

  /** Where the file is, for messages. */
  String location();

  /** What the file holds now, or empty when there is none. */
  Optional<State> read() throws IOException;

  /** Creates the file holding {@code content}; false, changing nothing, when it exists. */
  boolean create(String content) throws IOException;

  /**
   * Marks the file renewed now, unless it changed since {@code seen}: its new state, or empty
   * when another process replaced or deleted it (the lease is lost).
   */
  Optional<State> renew(State seen) throws IOException;

  /**
   * Replaces the file seen as {@code stale} by one holding {@code content}, unless it changed
   * since; false when it did (another process renewed or took it first).
   */
  boolean replace(State stale, String content) throws IOException;

  /** Deletes the file unless it changed since {@code seen}; false when it did. */
  boolean delete(State seen) throws IOException;

  /**
   * One observation of the file.
   *
   * @param content what it holds
   * @param renewedAt when it was created or last renewed, by the store's clock
   * @param version what changes whenever it is written or renewed (a generation, a timestamp)
   */
  record State(String content, Instant renewedAt, long version) {}
}
