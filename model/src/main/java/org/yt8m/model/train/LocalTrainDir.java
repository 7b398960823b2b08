package org.yt8m.model.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link TrainDir} on local disk. Every write goes to a temporary file or directory beside
 * its destination, created with the process's umask (so the files are as readable as anything
 * else the user writes), and is renamed into place.
 */
final class LocalTrainDir implements TrainDir {
  private final Path root;
  private final Clock clock;

  LocalTrainDir(Path root, Clock clock) {
    this.root = root.toAbsolutePath();
    this.clock = clock;
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public Optional<Path> localPath() {
    return Optional.of(root);
  }

  @Override
  public boolean exists(String relative) {
    return Files.exists(resolve(relative));
  }

  @Override
  public Optional<String> readString(String relative) throws IOException {
    Path file = resolve(relative);
    return Files.isRegularFile(file)
        ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
  }

  @Override
  public void writeString(String relative, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    replace(resolve(relative), temp -> {
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW)) {
        out.write(bytes);
      }
    });
  }

  @Override
  public void upload(Path local, String relative) throws IOException {
    Path target = resolve(relative);
    if (local.toAbsolutePath().equals(target)) {
      return;
    }
    replace(target, temp -> Files.copy(local, temp));
  }

  @Override
  public void uploadDirectory(Path local, String relative, String marker) throws IOException {
    Path target = resolve(relative);
    Files.createDirectories(target.getParent());
    Path staging = target.resolveSibling(TrainDir.temporaryName());
    try {
      for (Path file : Checkpoints.files(local)) {
        Path copy = staging.resolve(local.relativize(file).toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
      if (Files.exists(target)) {
        MoreFiles.deleteRecursively(target, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
      }
    }
  }

  @Override
  public void download(String relative, Path local) throws IOException {
    Files.createDirectories(local.toAbsolutePath().getParent());
    Files.copy(resolve(relative), local, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public List<String> list(String directory) throws IOException {
    Path dir = resolve(directory);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void delete(String relative) throws IOException {
    Files.deleteIfExists(resolve(relative));
  }

  @Override
  public void deleteDirectory(String relative) throws IOException {
    Path dir = resolve(relative);
    if (Files.exists(dir)) {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  @Override
  public List<String> deleteTemporaries(String directory, Duration minAge) throws IOException {
    Instant cutoff = clock.instant().minus(minAge);
    List<String> deleted = new ArrayList<>();
    for (String name : list(directory)) {
      Path path = resolve(directory).resolve(name);
      if (TrainDir.isTemporary(name)
          && !Files.getLastModifiedTime(path).toInstant().isAfter(cutoff)) {
        MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
        deleted.add(name);
      }
    }
    return deleted;
  }

  @Override
  public LeaseFile leaseFile(String relative) {
    return new LocalLeaseFile(resolve(relative), clock);
  }

  private Path resolve(String relative) {
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  /** Writes {@code target} whole: {@code write} fills a temporary file, renamed over it. */
  private static void replace(Path target, Write write) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(TrainDir.temporaryName());
    try {
      write.to(temp);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @FunctionalInterface
  private interface Write {
    void to(Path temp) throws IOException;
  }
}
