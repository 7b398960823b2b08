package org.yt8m.pipelines.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yt8m.model.export.ExportPrecision;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.serving.LoadedModels;
import org.yt8m.model.train.Distillation;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.TrainerSettings;
import org.yt8m.model.train.TrainingResult;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.pipelines.JobPaths;
import org.yt8m.pipelines.ModelArchive;
import org.yt8m.pipelines.Readers;
import org.yt8m.pipelines.prepare.PrepareManifest;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.io.FileSystemsShards;
import org.yt8m.transforms.io.FileSystemsTrainDir;

/**
 * {@code yt8m train}: the TensorFlow Java training loop over shards anywhere Beam's
 * FileSystems reach, into a local or {@code gs://} training directory. Not a Beam job: one
 * JVM, one session, on CPU or (with the {@code gpu} build) the GPU.
 */
public final class TrainCommand {
  private TrainCommand() {}

  public static void main(String[] args) throws Exception {
    execute(PipelineOptionsFactory.fromArgs(args).withValidation().as(TrainOptions.class),
        System.out);
  }

  /** Trains as {@code options} say, printing progress, and returns what the run did. */
  public static TrainingResult execute(TrainOptions options, PrintStream out)
      throws Exception {
    FileSystems.setDefaultPipelineOptions(options);
    validate(options);
    ExportPrecision precision = ExportPrecision.byName(options.getExportPrecision());
    JobPaths.of(options).input("trainDataPattern", options.getTrainDataPattern())
        .input("initFrom", options.getInitFrom() == null ? null : options.getInitFrom() + "/**")
        .outputDirectory("trainDir", options.getTrainDir())
        .outputFile("outputModelTgz", options.getOutputModelTgz()).check();
    ModelFlags flags = modelFlags(options);
    FineTuning.validate(options, flags);
    TrainingGraph.Spec spec = spec(options, flags);
    TrainerSettings settings = new TrainerSettings(options.getNumEpochs(),
        options.getMaxSteps(), options.getExportModelSteps(), options.getStartNewModel(),
        options.getLogEverySteps(), options.getReaderThreads(), options.getShuffleBuffer(),
        options.getSeed());
    List<ShardSource> shards = FileSystemsShards.matching(options.getTrainDataPattern(),
        options.getCompression());
    out.printf(Locale.ROOT, "training %s on %d shard%s matching %s%n", flags.model(),
        shards.size(), shards.size() == 1 ? "" : "s", options.getTrainDataPattern());
    Trainer trainer = FineTuning.apply(options, flags, shards, new Trainer(
        FileSystemsTrainDir.of(options.getTrainDir(), GcsLeaseFile.opener(options)), flags,
        spec, settings, shards, preparedRecords(shards), out::println)
        .withExportPrecision(precision));
    TrainingResult result;
    if (options.getDistillFrom() == null) {
      result = trainer.run();
    } else {
      ModelLocation teacher = ModelLocation.export(options.getDistillFrom());
      try (LoadedModels.Lease lease = LoadedModels.acquire(teacher.exportDir(), teacher::fetch,
          1)) {
        out.printf(Locale.ROOT, "distilling from %s (weight %s)%n", lease.model(),
            options.getDistillWeight());
        result = trainer.distillingFrom(Distillation.of(lease.model(), flags)).run();
      }
    }
    out.printf(Locale.ROOT, "done: global step %d, loss %.4f; the model is %s/%s%n",
        result.lastStep(), result.lastLoss(), options.getTrainDir(), result.lastExport());
    if (options.getOutputModelTgz() != null) {
      ModelArchive.write(ModelLocation.latestIn(options.getTrainDir()),
          options.getOutputModelTgz());
      out.println("packaged the model as " + options.getOutputModelTgz());
    }
    return result;
  }

  /**
   * Refuses values of the optimizer's flags that train nothing or NaN: TensorFlow would take
   * them and run to the end.
   */
  static void validate(TrainOptions options) {
    requirePositive("baseLearningRate", options.getBaseLearningRate());
    requirePositive("learningRateDecay", options.getLearningRateDecay());
    if (options.getLearningRateDecayExamples() <= 0) {
      throw new IllegalArgumentException("--learningRateDecayExamples must be positive, got "
          + options.getLearningRateDecayExamples());
    }
    requireFiniteNonNegative("regularizationPenalty", options.getRegularizationPenalty());
    requireFiniteNonNegative("clipGradientNorm", options.getClipGradientNorm());
    if (options.getDistillFrom() != null) {
      requirePositive("distillWeight", options.getDistillWeight());
    }
  }

  private static void requirePositive(String flag, float value) {
    if (!(value > 0) || Float.isInfinite(value)) {
      throw new IllegalArgumentException("--" + flag + " must be a positive number, got "
          + value);
    }
  }

  private static void requireFiniteNonNegative(String flag, float value) {
    if (!(value >= 0) || Float.isInfinite(value)) {
      throw new IllegalArgumentException("--" + flag + " must be a number >= 0, got " + value);
    }
  }

  /**
   * The records in {@code shards} when they are shards of one {@code yt8m prepare} run, whose
   * manifest counts them (for the ETA); 0 when unknown.
   */
  static long preparedRecords(List<ShardSource> shards) throws IOException {
    String first = shards.get(0).name();
    int slash = first.lastIndexOf('/');
    if (slash < 0) {
      return 0;
    }
    String directory = first.substring(0, slash);
    List<String> names = new ArrayList<>();
    for (ShardSource shard : shards) {
      if (!shard.name().startsWith(directory + "/")) {
        return 0;
      }
      names.add(shard.name().substring(directory.length() + 1));
    }
    Optional<String> manifest = FileSystemsTrainDir.of(directory)
        .readString(PrepareManifest.FILE);
    return manifest.isEmpty() ? 0
        : PrepareManifest.recordsIn(new ObjectMapper().readTree(manifest.get()), names);
  }

  /** What model_flags.json records for this run. */
  static ModelFlags modelFlags(TrainOptions options) {
    FeatureSpec features = Readers.features(options);
    ModelConfig config = new ModelConfig(options.getMoeNumMixtures(), options.getIterations(),
        options.getDbofAddBatchNorm(), options.getSampleRandomFrames(),
        options.getDbofClusterSize(), options.getDbofHiddenSize(),
        options.getDbofPoolingMethod(), options.getDbofActivation(),
        options.getVideoLevelClassifierModel(), options.getLstmCells(),
        options.getLstmLayers(), options.getMaxFrames(), options.getMoeGating(),
        new ModelConfig.NetVlad(options.getNetvladClusterSize(),
            options.getNetvladHiddenSize(), options.getNetvladAddBatchNorm(),
            options.getGating()),
        new ModelConfig.NeXtVlad(options.getNextvladClusterSize(),
            options.getNextvladHiddenSize(), options.getNextvladExpansion(),
            options.getNextvladGroups(), options.getNextvladDropout(),
            options.getNextvladGatingReduction()),
        features.sizes());
    return new ModelFlags(options.getModel(), features,
        options.getFrameFeatures(), options.getLabelLoss(), options.getNumClasses(), config);
  }

  /** The graph's spec for this run: the model, the optimizer's flags and the recipe's. */
  static TrainingGraph.Spec spec(TrainOptions options, ModelFlags flags) {
    return new TrainingGraph.Spec(Models.byName(flags.model()), flags.config(),
        flags.features().totalSize(), flags.numClasses(), LabelLoss.byName(flags.labelLoss()),
        options.getRegularizationPenalty(), OptimizerKind.byName(options.getOptimizer()),
        options.getBaseLearningRate(), options.getLearningRateDecay(),
        options.getLearningRateDecayExamples(), options.getBatchSize(),
        options.getClipGradientNorm(), options.getSeed(), options.getBatchNormDecay())
        .withRecipe(new TrainingGraph.Recipe(options.getWarmupSteps(),
            options.getLabelSmoothing(), options.getEmaDecay(), options.getNumFrames(),
            options.getDistillFrom() == null ? 0f : options.getDistillWeight()));
  }
}
