package org.yt8m.model.train;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How long and how visibly to train, apart from the graph: the starter's {@code num_epochs},
 * {@code max_steps}, {@code export_model_steps} and {@code start_new_model}, plus the input
 * pipeline's sizes and the progress interval.
 *
 * @param numEpochs passes over the data this run makes (0: until {@code maxSteps})
 * @param maxSteps stop at this global step (0: no limit)
 * @param exportModelSteps checkpoint and export every this many steps (and at the end)
 * @param startNewModel ignore the checkpoints and flags in trainDir and start from step 0
 * @param logEverySteps one progress line and one summary event every this many steps
 * @param readerThreads threads parsing shards
 * @param shuffleBuffer records mixed before batching (0: four batches)
 * @param seed shuffling and initial weights
 */
public record TrainerSettings(int numEpochs, long maxSteps, long exportModelSteps,
    boolean startNewModel, int logEverySteps, int readerThreads, int shuffleBuffer,
    long seed) {

  public TrainerSettings {
    checkArgument(numEpochs >= 0, "numEpochs must be >= 0, got %s", numEpochs);
    checkArgument(maxSteps >= 0, "maxSteps must be >= 0, got %s", maxSteps);
    checkArgument(numEpochs > 0 || maxSteps > 0, "numEpochs and maxSteps are both 0: the run "
        + "would never end");
    checkArgument(exportModelSteps > 0, "exportModelSteps must be positive, got %s",
        exportModelSteps);
    checkArgument(logEverySteps > 0, "logEverySteps must be positive, got %s", logEverySteps);
    checkArgument(readerThreads > 0, "readerThreads must be positive, got %s", readerThreads);
    checkArgument(shuffleBuffer >= 0, "shuffleBuffer must be >= 0, got %s", shuffleBuffer);
  }
}
