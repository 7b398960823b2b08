package org.yt8m.pipelines.train;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.pipelines.OutputModelTgzOptions;
import org.yt8m.pipelines.ReaderOptions;

/**
 * Options of {@code yt8m train}: the starter's train.py flags in camelCase (reference §4).
 * Training is not a Beam job; these are PipelineOptions only so that every command parses,
 * validates and documents its flags the same way.
 */
public interface TrainOptions extends ReaderOptions, FineTuningOptions,
    OutputModelTgzOptions {

  @Description("Shards to train on: a local or gs:// glob, e.g. the output of yt8m prepare "
      + "(gs://bucket/prepared/prepared-*.tfrecord).")
  @Validation.Required
  String getTrainDataPattern();

  void setTrainDataPattern(String trainDataPattern);

  @Description("Directory for checkpoints, TensorBoard events, model_flags.json and exports "
      + "(local or gs://). A run resumes from its latest checkpoint. One trainer at a time: "
      + "it holds trainDir/trainer.lease while it runs; another fails naming it, and a lease "
      + "not renewed for 10 minutes (or whose process on this host is gone) is taken over.")
  @Validation.Required
  String getTrainDir();

  void setTrainDir(String trainDir);

  @Description("The model: LogisticModel or MoeModel (video-level), FrameLevelLogisticModel, "
      + "DbofModel, LstmModel, NetVladModel or NeXtVladModel (frame-level, with "
      + "--frameFeatures).")
  @Default.String("LogisticModel")
  String getModel();

  void setModel(String model);

  @Description("Videos per training step.")
  @Default.Integer(1024)
  int getBatchSize();

  void setBatchSize(int batchSize);

  @Description("CrossEntropyLoss, HingeLoss or SoftmaxLoss.")
  @Default.String("CrossEntropyLoss")
  String getLabelLoss();

  void setLabelLoss(String labelLoss);

  @Description("Weight of the models' L2 terms in the loss.")
  @Default.Float(1.0f)
  float getRegularizationPenalty();

  void setRegularizationPenalty(float regularizationPenalty);

  @Description("Learning rate at the start.")
  @Default.Float(0.01f)
  float getBaseLearningRate();

  void setBaseLearningRate(float baseLearningRate);

  @Description("The learning rate is multiplied by this every --learningRateDecayExamples "
      + "examples (staircase).")
  @Default.Float(0.95f)
  float getLearningRateDecay();

  void setLearningRateDecay(float learningRateDecay);

  @Description("Examples between learning-rate decays.")
  @Default.Long(4_000_000L)
  long getLearningRateDecayExamples();

  void setLearningRateDecayExamples(long learningRateDecayExamples);

  @Description("Passes over the training data this run makes (0: until --maxSteps).")
  @Default.Integer(5)
  int getNumEpochs();

  void setNumEpochs(int numEpochs);

  @Description("Stop at this global step (0: no limit).")
  @Default.Long(0L)
  long getMaxSteps();

  void setMaxSteps(long maxSteps);

  @Description("Checkpoint and export the model every this many steps, and at the end.")
  @Default.Long(1000L)
  long getExportModelSteps();

  void setExportModelSteps(long exportModelSteps);

  @Description("AdamOptimizer, GradientDescentOptimizer, MomentumOptimizer (momentum 0.9) or "
      + "AdagradOptimizer; the short names Adam, SGD, Momentum and Adagrad also work.")
  @Default.String("AdamOptimizer")
  String getOptimizer();

  void setOptimizer(String optimizer);

  @Description("Each gradient tensor is clipped to this L2 norm (0: no clipping).")
  @Default.Float(1.0f)
  float getClipGradientNorm();

  void setClipGradientNorm(float clipGradientNorm);

  @Description("Decay of batch norm's moving averages (DbofModel, NetVladModel, "
      + "NeXtVladModel, --moeGating), in [0, 1): the starter's "
      + "0.999, zero-debiased so that early exports are not skewed toward the initial values; "
      + "every checkpoint and export also re-estimates the statistics from the last batches.")
  @Default.Float(0.999f)
  float getBatchNormDecay();

  void setBatchNormDecay(float batchNormDecay);

  @Description("Start a new model from step 0 instead of resuming from --trainDir's latest "
      + "checkpoint, replacing its model_flags.json: a new run, whose exports alone evaluate "
      + "--onlyNew scores.")
  @Default.Boolean(false)
  boolean getStartNewModel();

  void setStartNewModel(boolean startNewModel);

  @Description("MoeModel: experts per class.")
  @Default.Integer(2)
  int getMoeNumMixtures();

  void setMoeNumMixtures(int moeNumMixtures);

  @Description("DbofModel: frames sampled per video.")
  @Default.Integer(30)
  int getIterations();

  void setIterations(int iterations);

  @Description("DbofModel: batch norm in its layers (else biases).")
  @Default.Boolean(true)
  boolean getDbofAddBatchNorm();

  void setDbofAddBatchNorm(boolean dbofAddBatchNorm);

  @Description("DbofModel: sample frames at random (else a random run of consecutive "
      + "frames).")
  @Default.Boolean(true)
  boolean getSampleRandomFrames();

  void setSampleRandomFrames(boolean sampleRandomFrames);

  @Description("DbofModel: width of the cluster layer.")
  @Default.Integer(8192)
  int getDbofClusterSize();

  void setDbofClusterSize(int dbofClusterSize);

  @Description("DbofModel: width of the hidden layer.")
  @Default.Integer(1024)
  int getDbofHiddenSize();

  void setDbofHiddenSize(int dbofHiddenSize);

  @Description("DbofModel: pooling over the sampled frames, max or average.")
  @Default.String("max")
  String getDbofPoolingMethod();

  void setDbofPoolingMethod(String dbofPoolingMethod);

  @Description("DbofModel: activation of its layers, sigmoid or relu6.")
  @Default.String("sigmoid")
  String getDbofActivation();

  void setDbofActivation(String dbofActivation);

  @Description("The frame-level models but FrameLevelLogisticModel: the video-level model "
      + "they end with, MoeModel or LogisticModel.")
  @Default.String("MoeModel")
  String getVideoLevelClassifierModel();

  void setVideoLevelClassifierModel(String videoLevelClassifierModel);

  @Description("LstmModel: units per layer.")
  @Default.Integer(1024)
  int getLstmCells();

  void setLstmCells(int lstmCells);

  @Description("LstmModel: stacked layers.")
  @Default.Integer(2)
  int getLstmLayers();

  void setLstmLayers(int lstmLayers);

  @Description("MoeModel (and the MoE classifier of the frame-level models): context-gate "
      + "the probabilities, p · sigmoid(BN(p·W)), as the 2017 winner's gated MoE.")
  @Default.Boolean(false)
  boolean getMoeGating();

  void setMoeGating(boolean moeGating);

  @Description("NetVladModel: clusters K the frames are softly assigned to.")
  @Default.Integer(64)
  int getNetvladClusterSize();

  void setNetvladClusterSize(int netvladClusterSize);

  @Description("NetVladModel: width H of the hidden layer after the VLAD descriptor.")
  @Default.Integer(1024)
  int getNetvladHiddenSize();

  void setNetvladHiddenSize(int netvladHiddenSize);

  @Description("NetVladModel: batch norm on the frames, the cluster logits and the hidden "
      + "layer (else biases).")
  @Default.Boolean(true)
  boolean getNetvladAddBatchNorm();

  void setNetvladAddBatchNorm(boolean netvladAddBatchNorm);

  @Description("NetVladModel: context gating on the hidden layer, x · sigmoid(W x + b) "
      + "(batch norm in place of b with --netvladAddBatchNorm).")
  @Default.Boolean(false)
  boolean getGating();

  void setGating(boolean gating);

  @Description("NeXtVladModel: clusters K per group.")
  @Default.Integer(64)
  int getNextvladClusterSize();

  void setNextvladClusterSize(int nextvladClusterSize);

  @Description("NeXtVladModel: width H of the hidden layer after the VLAD descriptor.")
  @Default.Integer(1024)
  int getNextvladHiddenSize();

  void setNextvladHiddenSize(int nextvladHiddenSize);

  @Description("NeXtVladModel: the factor λ the frame features are expanded by.")
  @Default.Integer(2)
  int getNextvladExpansion();

  void setNextvladExpansion(int nextvladExpansion);

  @Description("NeXtVladModel: groups G the expanded features are split into; λ times the "
      + "feature size must divide by it.")
  @Default.Integer(8)
  int getNextvladGroups();

  void setNextvladGroups(int nextvladGroups);

  @Description("NeXtVladModel: dropout rate on the VLAD descriptor in training, in [0, 1).")
  @Default.Float(0.5f)
  float getNextvladDropout();

  void setNextvladDropout(float nextvladDropout);

  @Description("NeXtVladModel: reduction r of the SE context gate on the hidden layer "
      + "(H/r wide).")
  @Default.Integer(8)
  int getNextvladGatingReduction();

  void setNextvladGatingReduction(int nextvladGatingReduction);

  @Description("Linear learning-rate warmup: step s (from 0) trains at min(1, (s + 1) / N) "
      + "times the scheduled rate over the first N steps (0: none).")
  @Default.Long(0L)
  long getWarmupSteps();

  void setWarmupSteps(long warmupSteps);

  @Description("Label smoothing ε in [0, 1): the training loss's targets become y(1-ε) + ε/2 "
      + "(CrossEntropyLoss) or the normalised labels times 1-ε plus ε/numClasses "
      + "(SoftmaxLoss); not with HingeLoss. Evaluation keeps the true labels.")
  @Default.Float(0f)
  float getLabelSmoothing();

  void setLabelSmoothing(float labelSmoothing);

  @Description("Decay in [0, 1) of an exponential moving average of the weights, zero-debiased, "
      + "which the exports carry instead of the last step's weights (batch-norm statistics "
      + "re-estimated for them); 0: none. Typical: 0.999. Turning it on for a run trained "
      + "without it needs --startNewModel (its checkpoints lack the averages).")
  @Default.Float(0f)
  float getEmaDecay();

  void setEmaDecay(float emaDecay);

  @Description("Frame-level models: frames sampled per video of each training batch (0: all), "
      + "at random with --sampleRandomFrames, else a random run of consecutive frames, as the "
      + "starter's DbofModel samples; the exports score all frames.")
  @Default.Integer(0)
  int getNumFrames();

  void setNumFrames(int numFrames);

  @Description("Distil from this exported model (trainDir/export/step_N, local or gs://): it "
      + "scores every training batch, and --distillWeight times the cross-entropy against its "
      + "probabilities is added to the loss. It must read the same features and score the "
      + "same classes.")
  String getDistillFrom();

  void setDistillFrom(String distillFrom);

  @Description("Weight of the loss against --distillFrom's probabilities.")
  @Default.Float(1f)
  float getDistillWeight();

  void setDistillWeight(float distillWeight);

  @Description("One progress line and one TensorBoard point every this many steps.")
  @Default.Integer(10)
  int getLogEverySteps();

  void setLogEverySteps(int logEverySteps);

  @Description("Threads parsing shards ahead of the training step.")
  @Default.Integer(2)
  int getReaderThreads();

  void setReaderThreads(int readerThreads);

  @Description("Records mixed in the shuffle buffer before batching (0: four batches).")
  @Default.Integer(0)
  int getShuffleBuffer();

  void setShuffleBuffer(int shuffleBuffer);

  @Description("Seed of the initial weights and of the input shuffle.")
  @Default.Long(0L)
  long getSeed();

  void setSeed(long seed);

  @Description("How exports store their weights: float32, or float16 (half the bytes, without "
      + "the optimizer's state; read into float32 in the graph, which computes in float32). "
      + "Each export's size is logged and recorded in its model_flags.json.")
  @Default.String("float32")
  String getExportPrecision();

  void setExportPrecision(String exportPrecision);
}
