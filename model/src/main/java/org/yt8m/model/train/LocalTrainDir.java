package org.yt8m.model.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link TrainDir} on local disk; whole-file writes go through a temp file and a rename. */
final class LocalTrainDir implements TrainDir {
  private final Path root;

  LocalTrainDir(Path root) {
    this.root = root.toAbsolutePath();
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
    Path target = resolve(relative);
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public void upload(Path local, String relative) throws IOException {
    Path target = resolve(relative);
    if (local.toAbsolutePath().equals(target)) {
      return;
    }
    Files.createDirectories(target.getParent());
    Files.copy(local, target, StandardCopyOption.REPLACE_EXISTING);
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

  private Path resolve(String relative) {
    return relative.isEmpty() ? root : root.resolve(relative);
  }
}
