package org.yt8m.pipelines;

import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;

/** What every command does around its pipeline: checks before it starts, waiting after. */
public final class JobRunner {
  private JobRunner() {}

  /**
   * Fails early, naming the flag, when {@code pattern} matches no file: a pattern that matches
   * nothing is a mistake, not an empty run.
   */
  public static void requireMatches(PipelineOptions options, String flag, String pattern)
      throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    MatchResult match = FileSystems.match(List.of(pattern), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() == MatchResult.Status.ERROR) {
      match.metadata(); // throws the file system's own error (permissions, credentials, ...)
    }
    boolean anyFile = match.status() == MatchResult.Status.OK && match.metadata().stream()
        .anyMatch(file -> !file.resourceId().isDirectory());
    if (!anyFile) {
      throw new IllegalArgumentException("--" + flag + "=" + pattern + " matches no file"
          + (pattern.endsWith("/") ? " (it names a directory: add a glob such as *.tfrecord)"
              : ""));
    }
  }

  /**
   * Whether this process only launches a Dataflow template job: a flex template's launcher
   * sets {@code templateLocation}, and must return once the job is submitted, without waiting
   * for it (the wait throws there) or reading its results back.
   */
  public static boolean launchesTemplate(PipelineOptions options) {
    return options.as(DataflowPipelineOptions.class).getTemplateLocation() != null;
  }

  /** Whether the job runs in this JVM (the DirectRunner), so its workers share our disk. */
  public static boolean isLocal(PipelineOptions options) {
    return options.getRunner().getSimpleName().equals("DirectRunner");
  }

  /**
   * Fails, naming the flag, when a job on remote workers would write {@code path} to their own
   * disks: the launcher could not read it back, and the user would never see it.
   */
  public static void requireSharedPath(PipelineOptions options, String flag, String path) {
    if (!isLocal(options) && FileSystems.matchNewResource(path, false).getScheme()
        .equals("file")) {
      throw new IllegalArgumentException("--" + flag + "=" + path + " is a local path, but "
          + "the job runs on " + options.getRunner().getSimpleName() + " workers: give a "
          + "shared location such as gs://bucket/...");
    }
  }

  /**
   * Waits for the job as {@link #awaitSuccess} does, except in a template launch
   * ({@link #launchesTemplate}), where the job has been submitted and the launcher must end.
   *
   * @return whether the job ran to its end here, so its results can be read back
   */
  public static boolean awaitUnlessTemplate(PipelineOptions options, PipelineResult result) {
    if (launchesTemplate(options)) {
      return false;
    }
    awaitSuccess(options, result);
    return true;
  }

  /**
   * Waits for the job as {@link #awaitSuccess(PipelineResult)} does, telling the person who
   * started it how far it is meanwhile ({@link JobProgress}), unless {@code --quiet}.
   */
  public static void awaitSuccess(PipelineOptions options, PipelineResult result) {
    if (options.as(ProgressOptions.class).getQuiet()) {
      awaitSuccess(result);
    } else {
      requireDone(JobProgress.toStderr().follow(result));
    }
  }

  /** Waits for the job and fails unless it finished successfully. */
  public static void awaitSuccess(PipelineResult result) {
    requireDone(result.waitUntilFinish());
  }

  private static void requireDone(PipelineResult.State state) {
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended in state " + state);
    }
  }
}
