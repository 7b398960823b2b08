package org.yt8m.model.train;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LeaseFile} on local disk (NFS included) from operations each atomic there: it is
 * created with {@code O_CREAT|O_EXCL}; a renewal only touches its modification time (so it cannot
 * overwrite a lease another process has put in its place) and then checks the content is still
 * its own; a takeover first renames the stale file to a temporary name, which only one process
 * can do, and checks that what it moved is what it judged stale.
 */
final class LocalLeaseFile implements LeaseFile {
  private final Path file;
  private final Clock clock;

  LocalLeaseFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  @Override
  public String location() {
    return file.toString();
  }

  @Override
  public Optional<State> read() throws IOException {
    return read(file);
  }

  @Override
  public boolean create(String content) throws IOException {
    Files.createDirectories(file.getParent());
    // Written whole under a temporary name, then published by a hard link, which fails when the
    // lease exists: a kill can leave a temporary (swept like any other), never an empty lease.
    Path written = file.resolveSibling(TrainDir.temporaryName());
    Files.write(written, content.getBytes(UTF_8), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      Files.createLink(file, written);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(written);
    }
  }

  @Override
  public Optional<State> renew(State seen) throws IOException {
    try {
      Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return read(file).filter(now -> now.content().equals(seen.content()));
  }

  @Override
  public boolean replace(State stale, String content) throws IOException {
    Path claimed = file.resolveSibling(TrainDir.temporaryName());
    try {
      Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return false;
    }
    Optional<State> taken = read(claimed);
    if (taken.isPresent() && taken.get().equals(stale)) {
      Files.delete(claimed);
      return create(content);
    }
    // Renewed between our look and the rename: put it back, unless a new lease took its place.
    try {
      Files.move(claimed, file);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(claimed);
    }
    return false;
  }

  @Override
  public boolean delete(State seen) throws IOException {
    Optional<State> now = read(file);
    if (now.isEmpty() || !now.get().content().equals(seen.content())) {
      return false;
    }
    return Files.deleteIfExists(file);
  }

  /** Content and time of one file; read again when it changed while being read. */
  private static Optional<State> read(Path path) throws IOException {
    try {
      while (true) {
        FileTime before = Files.getLastModifiedTime(path);
        String content = Files.readString(path, UTF_8);
        FileTime after = Files.getLastModifiedTime(path);
        if (before.equals(after)) {
          return Optional.of(new State(content, after.toInstant(),
              after.to(TimeUnit.MICROSECONDS)));
        }
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
