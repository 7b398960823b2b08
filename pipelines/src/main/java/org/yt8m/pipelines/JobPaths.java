package org.yt8m.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.yt8m.transforms.io.RegularFiles;

/**
 * What a job reads and what it writes, checked before it starts: an output may not be one of
 * its inputs or hold one, and inputs must be regular files. {@code infer
 * --inputDataPattern='dir/*.tfrecord' --outputFile=dir/validate0000.tfrecord} replaced the
 * shard with a CSV and exited 0; now it is refused, naming both flags and the file.
 *
 * <pre>{@code
 * JobPaths.of(options)
 *     .input("inputDataPattern", options.getInputDataPattern())
 *     .outputFile("outputFile", options.getOutputFile())
 *     .check();
 * }</pre>
 *
 * <p>Input patterns are expanded with Beam's {@link FileSystems#match}, so {@code gs://} is
 * checked as local paths are; a local glob is also expanded by
 * {@link RegularFiles#requireGlobMatchesRegular}, since Beam's match leaves out the FIFOs,
 * devices and sockets it matches, which must be named rather than skipped. An output (a file
 * or a directory) conflicts with an input file when it is that file or a directory above it.
 * Local paths are compared after resolving symbolic links and {@code ..}, so another spelling
 * of the same file is caught too.
 */
public final class JobPaths {
  private record Flag(String name, String value, boolean directory) {
    @Override
    public String toString() {
      return "--" + name + "=" + value;
    }
  }

  private final PipelineOptions options;
  private final List<Flag> inputs;
  private final List<Flag> outputs;

  private JobPaths(PipelineOptions options, List<Flag> inputs, List<Flag> outputs) {
    this.options = options;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** The paths of a job run with {@code options} (which reach gs:// and other file systems). */
  public static JobPaths of(PipelineOptions options) {
    return new JobPaths(options, List.of(), List.of());
  }

  /** An input: the files {@code pattern}, given as {@code --flag}, matches (null: none). */
  public JobPaths input(String flag, String pattern) {
    return pattern == null ? this
        : new JobPaths(options, append(inputs, new Flag(flag, pattern, false)), outputs);
  }

  /** An output file, given as {@code --flag} (null: none). */
  public JobPaths outputFile(String flag, String path) {
    return path == null ? this
        : new JobPaths(options, inputs, append(outputs, new Flag(flag, path, false)));
  }

  /** Output files, all given by {@code --flag} (the shards of one output). */
  public JobPaths outputFiles(String flag, List<String> paths) {
    JobPaths more = this;
    for (String path : paths) {
      more = more.outputFile(flag, path);
    }
    return more;
  }

  /** An output directory, given as {@code --flag} (null: none). */
  public JobPaths outputDirectory(String flag, String path) {
    return path == null ? this
        : new JobPaths(options, inputs, append(outputs, new Flag(flag, path, true)));
  }

  /**
   * Fails when an output is an input or holds one, with a message naming both flags and the
   * file, or when an input is not a regular file (a FIFO, a device), naming it.
   *
   * @throws IllegalArgumentException on a conflict or an input that is not a regular file
   * @throws UncheckedIOException when a pattern cannot be matched
   */
  public void check() {
    FileSystems.setDefaultPipelineOptions(options);
    try {
      List<String> outputPaths = new ArrayList<>();
      for (Flag output : outputs) {
        outputPaths.add(canonical(FileSystems.matchNewResource(output.value(),
            output.directory())));
      }
      for (Flag input : inputs) {
        requireRegularMatches(input);
        for (ResourceId file : matches(input.value())) {
          requireRegular(input, file);
          String inputPath = canonical(file);
          for (int i = 0; i < outputs.size(); i++) {
            Flag output = outputs.get(i);
            String outputPath = outputPaths.get(i);
            if (inputPath.equals(outputPath) || inputPath.startsWith(outputPath + "/")) {
              throw new IllegalArgumentException(output + (inputPath.equals(outputPath)
                  ? " is an input: " : " holds an input: ") + file + ", which " + input
                  + " matches. Write outputs apart from the inputs.");
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ResourceId> matches(String pattern) throws IOException {
    MatchResult match = FileSystems.match(List.of(pattern), EmptyMatchTreatment.ALLOW).get(0);
    List<ResourceId> files = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata metadata : match.metadata()) {
        files.add(metadata.resourceId());
      }
    }
    files.sort(Comparator.comparing(ResourceId::toString)); // the first conflict is the same
    return files;
  }

  /** What Beam's match leaves out of a local glob: a FIFO, a device or a socket it matches. */
  private static void requireRegularMatches(Flag input) throws IOException {
    try {
      RegularFiles.requireGlobMatchesRegular(input.value());
    } catch (IOException e) {
      throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
    }
  }

  private static void requireRegular(Flag input, ResourceId file) throws IOException {
    if (file.isDirectory()) {
      return; // the reads refuse directories themselves
    }
    try {
      RegularFiles.require(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
    }
  }

  /**
   * A path to compare: a local one absolute, with {@code ..} and symbolic links resolved as
   * far as it exists; another file system's as Beam writes it, without a final slash.
   */
  private static String canonical(ResourceId resource) throws IOException {
    String path = resource.toString();
    if (!"file".equals(resource.getScheme())) {
      return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
    Path absolute = Paths.get(path).toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? absolute.toString()
        : existing.toRealPath().resolve(existing.relativize(absolute)).toString();
  }

  private static List<Flag> append(List<Flag> flags, Flag flag) {
    List<Flag> more = new ArrayList<>(flags);
    more.add(flag);
    return List.copyOf(more);
  }
}
