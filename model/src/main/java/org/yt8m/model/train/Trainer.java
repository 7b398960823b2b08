package org.yt8m.model.train;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.yt8m.model.export.ExportFacts;
import org.yt8m.model.export.ExportPrecision;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.MetricsAccumulator;
import org.yt8m.model.nn.ExamplesSignature;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.nn.WeightAverage;
import org.yt8m.model.train.input.Batch;
import org.yt8m.model.train.input.BatchSource;
import org.yt8m.model.train.input.FrameSampler;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.model.train.summary.EventFileWriter;
import org.yt8m.model.train.summary.EventLogs;

/**
 * The training loop: the starter's train.py as one TensorFlow Java session.
 *
 * <p>It holds the trainDir's {@link TrainerLease} while it runs, removes what interrupted runs
 * left, checks {@code model_flags.json} against this run's flags, resumes from the latest
 * checkpoint (global step, optimizer state and so the learning-rate schedule) and continues
 * its {@link RunId} unless told to start a new model (a new run), drops event-log steps past
 * that checkpoint so no step is logged twice, then runs steps on batches the input threads
 * prepared ahead (their frames sampled with the recipe's {@code numFrames}; scored by the
 * teacher when it distils). Every {@code logEverySteps} it prints a progress line and writes
 * the summary scalars; every {@code exportModelSteps} and at the end it re-estimates batch
 * norm's statistics for the weights it saves (and warns when the serving model would still
 * score the last batch much worse than the training graph), then checkpoints and exports the
 * serving model (with {@code emaDecay}, the averaged weights: {@link WeightAverage}). It stops
 * without writing once it has lost its lease.
 */
public final class Trainer {
  /** Predictions per video the batch metrics rank, as eval.py's top_k. */
  static final int METRICS_TOP_K = 20;

  private final TrainDir dir;
  private final ModelFlags flags;
  private final TrainingGraph.Spec spec;
  private final TrainerSettings settings;
  private final List<ShardSource> shards;
  private final long recordsPerEpoch;
  private final Consumer<String> log;
  private final Extras extras;

  /**
   * A run of {@code spec}'s graph, described by {@code flags}, over {@code shards}.
   * {@code recordsPerEpoch} (0 when unknown) only serves the ETA.
   */
  public Trainer(TrainDir dir, ModelFlags flags, TrainingGraph.Spec spec,
      TrainerSettings settings, List<ShardSource> shards, long recordsPerEpoch,
      Consumer<String> log) {
    this(dir, flags, spec, settings, shards, recordsPerEpoch, log, Extras.NONE);
  }

  private Trainer(TrainDir dir, ModelFlags flags, TrainingGraph.Spec spec,
      TrainerSettings settings, List<ShardSource> shards, long recordsPerEpoch,
      Consumer<String> log, Extras extras) {
    this.dir = dir;
    this.flags = flags;
    this.spec = spec;
    this.settings = settings;
    this.shards = List.copyOf(shards);
    this.recordsPerEpoch = recordsPerEpoch;
    this.log = log;
    this.extras = extras;
  }

  /**
   * What a run may add to its spec, each set by one of the {@code with} methods: segment
   * training, a warm start, a teacher, the exports' precision.
   */
  private record Extras(int segmentSize, @Nullable InitFrom initFrom,
      @Nullable Distillation teacher, ExportPrecision exportPrecision) {
    static final Extras NONE = new Extras(0, null, null, ExportPrecision.FLOAT32);
  }

  private Trainer with(Extras newExtras) {
    return new Trainer(dir, flags, spec, settings, shards, recordsPerEpoch, log, newExtras);
  }

  /** This run distilling from {@code newTeacher} by the spec's {@code distillWeight}. */
  public Trainer distillingFrom(Distillation newTeacher) {
    checkArgument(spec.recipe().distillWeight() > 0, "distilling from %s needs a "
        + "distillWeight > 0", newTeacher);
    return with(new Extras(extras.segmentSize(), extras.initFrom(), newTeacher,
        extras.exportPrecision()));
  }

  /**
   * This run, but trained on segments: each rated segment of {@code segmentSize} frames of the
   * segment-rated shards is an example, only its rated classes counting in the loss
   * ({@link org.yt8m.model.train.input.SegmentExamples}).
   */
  public Trainer withSegments(int segmentSize) {
    return with(new Extras(segmentSize, extras.initFrom(), extras.teacher(),
        extras.exportPrecision()));
  }

  /**
   * This run, but when it is a new one it starts from {@code initFrom}'s weights (a resumed
   * one continues its own).
   */
  public Trainer withInitFrom(InitFrom initFrom) {
    return with(new Extras(extras.segmentSize(), initFrom, extras.teacher(),
        extras.exportPrecision()));
  }

  /** This run with exports that store their weights at {@code precision} (float32 unless). */
  public Trainer withExportPrecision(ExportPrecision precision) {
    return with(new Extras(extras.segmentSize(), extras.initFrom(), extras.teacher(),
        precision));
  }

  /**
   * Takes the trainDir's lease (failing at once when another trainer holds it), removes what
   * killed runs left, and trains.
   */
  public TrainingResult run() throws IOException, InterruptedException {
    checkArgument(extras.teacher() != null || spec.recipe().distillWeight() == 0,
        "distillWeight %s without a teacher to distil from", spec.recipe().distillWeight());
    try (TrainerLease lease = TrainerLease.acquire(dir, log);
        ScratchDirectory scratch = ScratchDirectory.create("train")) {
      checkFlags();
      deleteLeftovers();
      return train(scratch.path(), lease);
    }
  }

  /** Temporaries of killed writes, and exports a kill cut short; the lease makes them dead. */
  private void deleteLeftovers() throws IOException {
    List<String> deleted = new ArrayList<>(dir.deleteTemporaries("", Duration.ZERO));
    deleted.addAll(new Exports(dir).deleteIncomplete());
    if (!deleted.isEmpty()) {
      log.accept("deleted what an interrupted run left in " + dir.location() + ": "
          + String.join(", ", deleted));
    }
  }

  private void checkFlags() throws IOException {
    String source = dir.location() + "/" + ModelFlags.FILE_NAME;
    Optional<String> recorded = dir.readString(ModelFlags.FILE_NAME);
    if (recorded.isEmpty() || settings.startNewModel()) {
      return;
    }
    List<String> differences = flags.differencesFrom(ModelFlags.fromJson(recorded.get(),
        source));
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(source + " was written by a run with other model "
          + "flags (" + String.join("; ", differences) + "). Resume with the same flags, pass "
          + "--startNewModel to start over in this directory, or use another --trainDir.");
    }
  }

  private TrainingResult train(Path scratch, TrainerLease lease)
      throws IOException, InterruptedException {
    Checkpoints checkpoints = new Checkpoints(dir, scratch);
    Exports exports = new Exports(dir, extras.exportPrecision());
    EventDir events = EventDir.of(dir, scratch);
    OptionalLong latest = settings.startNewModel() ? OptionalLong.empty()
        : checkpoints.latestStep();
    // A run continues only from a checkpoint of its own; without one it is a new run, also
    // when a kill during --startNewModel left the old run's model_flags.json behind.
    RunId runId = latest.isPresent() ? RunId.recordedIn(dir, "")
        : RunId.start(Clock.systemUTC());
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      List<Signature> signatures = ExamplesSignature.appendTo(g, graph, flags.features(),
          flags.frameFeatures(), flags.config().maxFrames(), flags.numClasses());
      log.accept(String.format(Locale.ROOT, "%s: %,d trainable parameters", flags.model(),
          graph.parameterCount()));
      try (Session session = new Session(g)) {
        if (settings.startNewModel()) {
          // Before model_flags.json names the new run: a kill in between leaves the old run
          // with nothing to resume, not the new run resuming the old model.
          checkpoints.forget();
          exports.forgetLatest();
        }
        long firstStep = start(g, session, graph, checkpoints, latest, runId, scratch);
        events.pull();
        int dropped = EventLogs.truncateAfter(events.path(), firstStep);
        if (dropped > 0) {
          log.accept("dropped " + dropped + " logged steps past the checkpoint of step "
              + firstStep + " from the event files");
        }
        dir.writeString(ModelFlags.FILE_NAME, flags.toJson(runId, graph.parameterCount()));
        Run run = new Run(session, graph, signatures, checkpoints, exports, events, scratch,
            firstStep, runId, lease);
        try (EventFileWriter writer = EventFileWriter.open(events.path());
            BatchSource source = batches()) {
          writer.sessionStart(firstStep + 1);
          return run.loop(source, writer);
        }
      }
    }
  }

  /** Restores the latest checkpoint or initializes; the global step to continue from. */
  private long start(Graph g, Session session, TrainingGraph graph, Checkpoints checkpoints,
      OptionalLong latest, RunId runId, Path scratch) throws IOException {
    if (latest.isEmpty()) {
      session.initialize();
      log.accept("starting a new " + flags.model() + " in " + dir.location() + " (run "
          + runId + ")");
      if (extras.initFrom() != null) {
        log.accept(extras.initFrom().apply(g, session, scratch).describe());
      }
      return 0;
    }
    if (extras.initFrom() != null) {
      log.accept("--initFrom is not used: this run resumes its own checkpoint");
    }
    checkpoints.restore(session, latest.getAsLong());
    try (Result result = session.runner().fetch(graph.globalStep()).run()) {
      long step = ((TInt64) result.get(0)).getLong();
      log.accept("resumed " + flags.model() + " from " + dir.location() + " at step " + step
          + " (run " + runId + ")");
      return step;
    }
  }

  private BatchSource batches() {
    Yt8mDecoder decoder = new Yt8mDecoder(flags.features(), flags.numClasses(),
        flags.config().maxFrames());
    BatchSource.Builder builder = BatchSource.builder(shards, decoder, flags.frameFeatures())
        .withBatchSize(spec.batchSize())
        .withNumEpochs(settings.numEpochs())
        .withReaderThreads(settings.readerThreads())
        .withSeed(settings.seed());
    if (extras.segmentSize() > 0) {
      builder.withSegments(extras.segmentSize());
    }
    if (settings.shuffleBuffer() > 0) {
      builder.withShuffleBuffer(settings.shuffleBuffer());
    }
    return builder.build();
  }

  /** The state of one run of the loop. */
  private final class Run {
    private final Session session;
    private final TrainingGraph graph;
    private final List<Signature> signatures;
    private final Checkpoints checkpoints;
    private final Exports exports;
    private final EventDir events;
    private final Path scratch;
    private final BatchNormRefresh batchNorm;
    private final FrameSampler frameSampler;
    private final long firstStep;
    private final RunId runId;
    private final TrainerLease lease;
    private long step;
    private long savedStep;
    private long examples;
    private double lastLoss = Double.NaN;
    private String lastExport;
    private long windowStart = System.nanoTime();
    private long windowExamples;

    Run(Session session, TrainingGraph graph, List<Signature> signatures,
        Checkpoints checkpoints, Exports exports, EventDir events, Path scratch, long firstStep,
        RunId runId, TrainerLease lease) throws IOException {
      this.session = session;
      this.graph = graph;
      this.signatures = signatures;
      this.checkpoints = checkpoints;
      this.exports = exports;
      this.events = events;
      this.scratch = scratch;
      this.batchNorm = new BatchNormRefresh(graph, spec);
      this.frameSampler = new FrameSampler(spec.recipe().numFrames(),
          spec.config().sampleRandomFrames(), settings.seed() + firstStep);
      this.firstStep = firstStep;
      this.runId = runId;
      this.lease = lease;
      this.step = firstStep;
      this.savedStep = firstStep;
      this.lastExport = exports.latest().orElse(null);
    }

    TrainingResult loop(BatchSource source, EventFileWriter writer)
        throws IOException, InterruptedException {
      while (settings.maxSteps() == 0 || step < settings.maxSteps()) {
        Optional<Batch> next = source.next();
        if (next.isEmpty()) {
          break;
        }
        Batch batch = frameSampler.sample(next.get());
        lease.checkHeld();
        boolean report = (step + 1) % settings.logEverySteps() == 0;
        trainOn(batch, report, writer);
        if (step % settings.exportModelSteps() == 0) {
          save(writer);
        }
      }
      if (step > savedStep) {
        save(writer);
      }
      double waited = source.nanosWaited() / 1e9;
      log.accept(String.format(java.util.Locale.ROOT, "trained steps %d to %d: %,d examples;"
          + " the step waited %.1f s for input in all; %s", firstStep, step, examples, waited,
          source.skipped().isEmpty() ? "no records skipped"
              : "skipped records by reason: " + source.skipped()));
      return new TrainingResult(firstStep, step, examples, lastLoss, lastExport,
          source.skipped());
    }

    private void trainOn(Batch batch, boolean report, EventFileWriter writer)
        throws IOException, InterruptedException {
      try (BatchFeed feed = new BatchFeed(batch, spec);
          TFloat32 taught = extras.teacher() == null ? null
              : extras.teacher().probabilities(feed)) {
        Session.Runner runner = feed.runner(session, graph).addTarget(graph.trainStep())
            .fetch(graph.loss());
        if (taught != null) {
          runner.feed(graph.teacherProbabilities(), taught);
        }
        if (report) {
          runner.fetch(graph.trainingProbabilities()).fetch(graph.learningRate());
        }
        try (Result result = runner.run()) {
          step++;
          examples += batch.size();
          windowExamples += batch.size();
          lastLoss = ((TFloat32) result.get(0)).getFloat();
          if (report) {
            report(batch, (TFloat32) result.get(1), ((TFloat32) result.get(2)).getFloat(),
                writer);
          }
        }
      }
      batchNorm.trainedOn(batch);
    }

    private void report(Batch batch, TFloat32 probabilities, double learningRate,
        EventFileWriter writer) throws IOException {
      float[] all = new float[batch.size() * spec.numClasses()];
      probabilities.copyTo(DataBuffers.of(all, false, false));
      MetricsAccumulator metrics = new MetricsAccumulator(spec.numClasses(), METRICS_TOP_K);
      for (int i = 0; i < batch.size(); i++) {
        metrics.addScores(batch.labelIds()[i], Arrays.copyOfRange(all,
            i * spec.numClasses(), (i + 1) * spec.numClasses()));
      }
      EvaluationMetrics result = metrics.result(false);
      long now = System.nanoTime();
      double seconds = Math.max(1e-9, (now - windowStart) / 1e9);
      double examplesPerSecond = windowExamples / seconds;
      double stepsPerSecond = examplesPerSecond / spec.batchSize();
      windowStart = now;
      windowExamples = 0;
      log.accept(ProgressLine.format(step, batch.epoch(), examplesPerSecond, lastLoss, result,
          learningRate, eta(stepsPerSecond)));
      Map<String, Double> scalars = new LinkedHashMap<>();
      scalars.put("model/Training_Loss", lastLoss);
      scalars.put("model/Training_Hit@1", result.hitAtOne());
      scalars.put("model/Training_Perr", result.perr());
      scalars.put("model/Training_GAP", result.gap());
      scalars.put("model/Learning_Rate", learningRate);
      scalars.put("global_step/Examples/Second", examplesPerSecond);
      writer.scalars(step, scalars);
    }

    /** Time to the last step when it is known: from maxSteps or from epochs of known size. */
    private Duration eta(double stepsPerSecond) {
      long lastStep = settings.maxSteps();
      if (recordsPerEpoch > 0 && settings.numEpochs() > 0) {
        long epochSteps = firstStep + (recordsPerEpoch * settings.numEpochs()
            + spec.batchSize() - 1) / spec.batchSize();
        lastStep = lastStep == 0 ? epochSteps : Math.min(lastStep, epochSteps);
      }
      if (lastStep == 0 || stepsPerSecond <= 0) {
        return null;
      }
      return Duration.ofSeconds((long) ((lastStep - step) / stepsPerSecond));
    }

    /**
     * Exports the model; with a weight average, the averaged model: the averages swapped in,
     * batch norm's statistics re-estimated for them, and the trained weights swapped back
     * after (the checkpoint, saved before, holds the trained weights and the averages).
     */
    private ExportFacts exportAveraged() throws IOException {
      Optional<WeightAverage> average = graph.weightAverage();
      if (average.isPresent()) {
        session.runner().addTarget(average.get().useAverages()).run();
        batchNorm.refresh(session, step).ifPresent(log);
      }
      try {
        return exports.export(session, signatures, flags, runId, step, scratch);
      } finally {
        average.ifPresent(a -> session.runner().addTarget(a.restoreTrained()).run());
      }
    }

    private void save(EventFileWriter writer) throws IOException {
      lease.confirmHeld();
      batchNorm.refresh(session, step).ifPresent(log);
      checkpoints.save(session, step);
      ExportFacts export = exportAveraged();
      lastExport = Exports.DIRECTORY + "/" + Exports.name(step);
      savedStep = step;
      writer.flush();
      events.push();
      log.accept("step " + step + ": checkpoint " + dir.location() + "/model.ckpt-" + step
          + " and export " + dir.location() + "/" + lastExport + " (" + export + ")");
    }
  }
}
