package org.yt8m.pipelines.launcher;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import org.apache.beam.sdk.options.PipelineOptions;
import org.yt8m.pipelines.ensemble.EnsembleCommand;
import org.yt8m.pipelines.ensemble.EnsembleOptions;
import org.yt8m.pipelines.evaluate.EvaluateOptions;
import org.yt8m.pipelines.evaluate.EvaluatePipeline;
import org.yt8m.pipelines.generate.GenerateOptions;
import org.yt8m.pipelines.generate.GeneratePipeline;
import org.yt8m.pipelines.infer.InferOptions;
import org.yt8m.pipelines.infer.InferPipeline;
import org.yt8m.pipelines.inspect.InspectOptions;
import org.yt8m.pipelines.inspect.InspectPipeline;
import org.yt8m.pipelines.prepare.PrepareOptions;
import org.yt8m.pipelines.prepare.PreparePipeline;
import org.yt8m.pipelines.train.TrainCommand;
import org.yt8m.pipelines.train.TrainOptions;

/** The launcher's commands: a name, a line of help, an options interface, what runs. */
enum Command {
  ENSEMBLE("ensemble", "Combine exported models into one export whose probabilities are the "
      + "weighted mean of theirs, or re-export one model in float16.", EnsembleOptions.class,
      (options, out) -> EnsembleCommand.execute(options.as(EnsembleOptions.class), out)),
  EVALUATE("evaluate", "Evaluate a model (--trainDir) or a predictions file (--predictions) "
      + "on the shards' labels: Hit@1, PERR, GAP, mAP; with --segmentLabels, the 2019 segment "
      + "mAP.", EvaluateOptions.class,
      (options, out) -> EvaluatePipeline.execute(options.as(EvaluateOptions.class), out)),
  GENERATE("generate", "Write synthetic YouTube-8M shards, the embedded default data.",
      GenerateOptions.class,
      (options, out) -> GeneratePipeline.execute(options.as(GenerateOptions.class), out)),
  INFER("infer", "Score shards with an exported model and write the predictions CSV (or a "
      + "2019 segment submission).", InferOptions.class,
      (options, out) -> InferPipeline.execute(options.as(InferOptions.class), out)),
  INSPECT("inspect", "Check that shards are valid YouTube-8M data and report what they hold.",
      InspectOptions.class,
      (options, out) -> InspectPipeline.execute(options.as(InspectOptions.class), out)),
  PREPARE("prepare", "Shuffle training shards into equal shards for the trainer, seeded and "
      + "reproducible.", PrepareOptions.class,
      (options, out) -> PreparePipeline.execute(options.as(PrepareOptions.class), out)),
  TRAIN("train", "Train one of the starter's models with TensorFlow Java; checkpoints, "
      + "TensorBoard events and SavedModel exports go to --trainDir.", TrainOptions.class,
      (options, out) -> TrainCommand.execute(options.as(TrainOptions.class), out));

  /** Runs a command's job to its end, printing what a person needs to see. */
  @FunctionalInterface
  interface Job {
    void execute(PipelineOptions options, PrintStream out) throws Exception;
  }

  private final String commandName;
  private final String summary;
  private final Class<? extends PipelineOptions> optionsClass;
  private final Job job;

  Command(String commandName, String summary, Class<? extends PipelineOptions> optionsClass,
      Job job) {
    this.commandName = commandName;
    this.summary = summary;
    this.optionsClass = optionsClass;
    this.job = job;
  }

  static Optional<Command> named(String name) {
    return Arrays.stream(values()).filter(c -> c.commandName.equals(name)).findFirst();
  }

  String commandName() {
    return commandName;
  }

  String summary() {
    return summary;
  }

  Class<? extends PipelineOptions> optionsClass() {
    return optionsClass;
  }

  Job job() {
    return job;
  }
}
