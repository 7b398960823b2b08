package org.yt8m.model.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A private directory in the system temp ({@code java.io.tmpdir}) for files TensorFlow must
 * read or write locally: staged checkpoints and exports, models copied from {@code gs://},
 * event files. Closing it deletes it; a process killed before that leaves it behind, so
 * creating one first deletes those of processes that are gone, and so does every {@code yt8m}
 * command as it starts ({@link #deleteAbandoned()}).
 *
 * <p>Whether its process is gone is told by a lock, not a process id (which containers sharing
 * a temp directory reuse): the directory holds a {@value #LOCK} file that its process keeps
 * locked, and the operating system drops the lock when the process dies, however it dies.
 */
public final class ScratchDirectory implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScratchDirectory.class.getName());
  private static final String PREFIX = "yt8m-";
  private static final String LOCK = ".owner.lock";
  /**
   * This JVM's own directories, never probed: opening and closing another descriptor of a
   * lock file this process holds would release its POSIX lock (the JDK warns of this), and a
   * sweeper in another process could then delete a live directory.
   */
  private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel channel;

  private ScratchDirectory(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** A new directory {@code yt8m-<purpose>-*}, after removing abandoned ones. */
  public static ScratchDirectory create(String purpose) throws IOException {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    deleteAbandoned(temp);
    Path dir = Files.createTempDirectory(temp, PREFIX + purpose + "-");
    // Locked under another name, then renamed: a sweeper never finds the lock file unlocked.
    Path unlocked = dir.resolve(TrainDir.temporaryName());
    FileChannel channel = FileChannel.open(unlocked, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      channel.lock();
      OWNED.add(dir);
      Files.move(unlocked, dir.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      channel.close();
      OWNED.remove(dir);
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
      throw e;
    }
    return new ScratchDirectory(dir, channel);
  }

  public Path path() {
    return path;
  }

  /** Deletes the directory and all it holds. */
  @Override
  public void close() throws IOException {
    try {
      MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
    } finally {
      channel.close();
      OWNED.remove(path);
    }
  }

  /** Deletes the scratch directories in the system temp whose process is gone. */
  public static void deleteAbandoned() {
    deleteAbandoned(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Deletes the scratch directories under {@code temp} whose process is gone. */
  static void deleteAbandoned(Path temp) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(temp, PREFIX + "*")) {
      for (Path dir : entries) {
        Path lock = dir.resolve(LOCK);
        if (!OWNED.contains(dir) && Files.isDirectory(dir) && Files.isRegularFile(lock)
            && abandoned(lock)) {
          LOG.info("deleting " + dir + ", the scratch directory of a process that is gone");
          try {
            MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
          } catch (IOException e) {
            LOG.fine("not deleting " + dir + ": " + e); // another process was quicker
          }
        }
      }
    } catch (IOException e) {
      LOG.fine("not cleaning " + temp + ": " + e);
    }
  }

  private static boolean abandoned(Path lock) {
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
        FileLock held = channel.tryLock()) {
      return held != null;
    } catch (OverlappingFileLockException | IOException e) {
      return false;
    }
  }
}
