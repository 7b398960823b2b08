package org.yt8m.pipelines;

import com.google.common.io.ByteStreams;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.yt8m.model.train.Exports;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.ScratchDirectory;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.io.WriteFile;

/**
 * A packaged model, as the 2018 challenge asked for it and the starter's inference.py writes
 * it ({@code --output_model_tgz}) and reads it back ({@code --input_model_tgz} into
 * {@code --untar_model_dir}): a gzipped tar laid out as a training directory holding one
 * export, so that the directory it is unpacked into serves as {@code --trainDir}:
 * <pre>
 * model_flags.json
 * export/latest
 * export/step_N/saved_model.pb
 * export/step_N/variables/...
 * export/step_N/model_flags.json
 * </pre>
 * Unpacking takes regular files and directories only, each landing inside the target: an
 * entry that would land outside it ({@code ..}, an absolute path), a link, a device or a FIFO,
 * or a name given twice, is refused naming the archive and the entry. The target must be empty
 * or new, so that no file of another model stays beside this one.
 */
public final class ModelArchive {
  private static final String TGZ_MIME = "application/gzip";

  private ModelArchive() {}

  /** Writes {@code model} (an export {@code step_N}) to {@code tgz}, whole or not at all. */
  public static void write(ModelLocation model, String tgz) throws IOException {
    String name = model.exportDir().substring(model.exportDir().lastIndexOf('/') + 1);
    if (Exports.step(name) < 0) {
      throw new IllegalArgumentException("cannot package " + model + ": a model archive holds "
          + "an export named step_N, as yt8m train writes them");
    }
    try (ScratchDirectory scratch = ScratchDirectory.create("model-archive")) {
      Path local = model.fetch(scratch.path().resolve(name));
      List<Path> files;
      try (Stream<Path> walk = Files.walk(local)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      String export = Exports.DIRECTORY + "/" + name + "/";
      WriteFile.write(tgz, TGZ_MIME, out -> {
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        add(tar, ModelFlags.FILE_NAME, Files.readAllBytes(local.resolve(ModelFlags.FILE_NAME)));
        add(tar, Exports.LATEST, (name + "\n").getBytes(StandardCharsets.UTF_8));
        for (Path file : files) {
          add(tar, export + local.relativize(file).toString().replace('\\', '/'),
              Files.readAllBytes(file));
        }
        tar.finish();
        gzip.finish();
      });
    }
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setModTime(0); // the same model, the same bytes
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  /**
   * Unpacks {@code tgz} into {@code directory} (local or anywhere Beam's FileSystems reach),
   * which must be empty or new. {@code export/latest} is written last, so an unpack cut short
   * leaves no model that {@code --trainDir} would load.
   *
   * @return the names of the files written, relative to {@code directory}
   */
  public static List<String> unpack(String tgz, String directory) throws IOException {
    requireEmpty(directory);
    ResourceId root = FileSystems.matchNewResource(directory, true);
    List<String> written = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    byte[] latest = null; // written last: a killed unpack leaves no export to load
    ResourceId archive = FileSystems.matchSingleFileSpec(tgz).resourceId();
    try (InputStream in = Channels.newInputStream(FileSystems.open(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
            new BufferedInputStream(in)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = safeName(tgz, entry.getName());
        if (entry.isDirectory() || name.isEmpty()) {
          continue;
        }
        byte flag = entry.getLinkFlag();
        if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) {
          throw new IOException(tgz + ": entry " + entry.getName() + " is " + kind(entry)
              + ": a model archive holds only regular files and directories");
        }
        if (!seen.add(name)) {
          throw new IOException(tgz + ": entry " + name + " is in the archive twice");
        }
        if (name.equals(Exports.LATEST)) {
          latest = ByteStreams.toByteArray(tar);
          continue;
        }
        write(root, name, tar);
        written.add(name);
      }
      if (latest != null) {
        write(root, Exports.LATEST, new ByteArrayInputStream(latest));
        written.add(Exports.LATEST);
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(tgz)) {
        throw e;
      }
      throw new IOException(tgz + ": not a readable .tgz model archive: " + e.getMessage(), e);
    }
    return written;
  }

  private static void write(ResourceId root, String name, InputStream content)
      throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(resolve(root, name),
        MimeTypes.BINARY))) {
      ByteStreams.copy(content, out);
    }
  }

  /**
   * The entry's name as a relative path of plain segments ({@code ./} and empty segments
   * dropped), or an error when it would land outside the target directory.
   */
  static String safeName(String tgz, String entryName) throws IOException {
    if (entryName.startsWith("/") || entryName.indexOf('\\') >= 0
        || entryName.indexOf('\0') >= 0 || entryName.matches("^[A-Za-z]:.*")) {
      throw outside(tgz, entryName);
    }
    List<String> segments = new ArrayList<>();
    for (String segment : entryName.split("/")) {
      if (segment.equals("..")) {
        throw outside(tgz, entryName);
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    return String.join("/", segments);
  }

  private static IOException outside(String tgz, String entryName) {
    return new IOException(tgz + ": entry " + entryName + " would land outside the directory "
        + "it is unpacked into: refused (a model archive holds relative paths only)");
  }

  private static String kind(TarArchiveEntry entry) {
    if (entry.isSymbolicLink()) {
      return "a symbolic link to " + entry.getLinkName();
    } else if (entry.isLink()) {
      return "a hard link to " + entry.getLinkName();
    } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      return "a device";
    } else if (entry.isFIFO()) {
      return "a FIFO";
    }
    return "of tar type '" + (char) entry.getLinkFlag() + "'";
  }

  private static ResourceId resolve(ResourceId root, String name) throws IOException {
    ResourceId target = root;
    String[] segments = name.split("/");
    for (int i = 0; i < segments.length; i++) {
      target = target.resolve(segments[i], i < segments.length - 1
          ? StandardResolveOptions.RESOLVE_DIRECTORY : StandardResolveOptions.RESOLVE_FILE);
    }
    if (target.getScheme().equals("file") && !Paths.get(target.toString()).normalize()
        .startsWith(Paths.get(root.toString()).normalize())) {
      throw new IOException(target + " is outside " + root);
    }
    return target;
  }

  /**
   * For a job given {@code --inputModelTgz}: unpacks it into {@code --untarModelDir} and
   * returns that directory, the trainDir to read the model from; empty when the flag is not
   * given.
   *
   * @param otherModelFlag the flag that names the model otherwise, when given (null: none)
   */
  public static Optional<String> unpackInput(InputModelTgzOptions options,
      String otherModelFlag) throws IOException {
    String tgz = options.getInputModelTgz();
    String directory = options.getUntarModelDir();
    if (tgz == null) {
      if (directory != null) {
        throw new IllegalArgumentException("--untarModelDir is where --inputModelTgz is "
            + "unpacked: give --inputModelTgz too");
      }
      return Optional.empty();
    }
    if (otherModelFlag != null) {
      throw new IllegalArgumentException("give --inputModelTgz or --" + otherModelFlag
          + ", not both");
    }
    if (directory == null) {
      throw new IllegalArgumentException("--inputModelTgz needs --untarModelDir: a new or "
          + "empty directory to unpack it into");
    }
    FileSystems.setDefaultPipelineOptions(options);
    JobRunner.requireSharedPath(options, "untarModelDir", directory);
    unpack(tgz, directory);
    return Optional.of(directory);
  }

  private static void requireEmpty(String directory) throws IOException {
    String glob = (directory.endsWith("/") ? directory : directory + "/") + "**";
    MatchResult match = FileSystems.match(List.of(glob), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() == MatchResult.Status.OK && !match.metadata().isEmpty()) {
      throw new IllegalArgumentException("--untarModelDir=" + directory + " is not empty: give "
          + "a new or empty directory, so that no file of another model stays beside this one "
          + "(an unpack that was killed leaves one without " + Exports.LATEST + ": remove it)");
    }
  }
}
