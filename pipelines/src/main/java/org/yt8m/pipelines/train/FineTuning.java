package org.yt8m.pipelines.train;

import java.io.IOException;
import java.util.List;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.Models;
import org.yt8m.model.train.InitFrom;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.input.SegmentExamples;
import org.yt8m.model.train.input.ShardSource;
import org.yt8m.transforms.io.FileSystemsTrainDir;

/**
 * Applies {@link FineTuningOptions} to a training run, after checking them before any work: a
 * segment run needs a frame-level model, a loss whose classes are independent (not
 * SoftmaxLoss, whose softmax spans the unrated classes too) and segment-rated shards.
 */
final class FineTuning {
  private FineTuning() {}

  /** Refuses contradicting flags; reads nothing. */
  static void validate(FineTuningOptions options, ModelFlags flags) {
    if (options.getInitOptimizer() && options.getInitFrom() == null) {
      throw new IllegalArgumentException("--initOptimizer takes the optimizer's state of "
          + "--initFrom: give --initFrom too");
    }
    if (!options.getSegmentLabels()) {
      return;
    }
    if (!Models.byName(flags.model()).frameLevel()) {
      throw new IllegalArgumentException("--segmentLabels trains on 5-frame segments, which "
          + "needs a frame-level model (with --frameFeatures); " + flags.model() + " is a "
          + "video-level model");
    }
    if (options.getSegmentSize() <= 0) {
      throw new IllegalArgumentException("--segmentSize must be positive, got "
          + options.getSegmentSize());
    }
    if (LabelLoss.byName(flags.labelLoss()) == LabelLoss.SOFTMAX) {
      throw new IllegalArgumentException("--segmentLabels counts only the rated classes of a "
          + "segment, but SoftmaxLoss's softmax spans every class: use CrossEntropyLoss or "
          + "HingeLoss");
    }
  }

  /** {@code trainer} set up as the options say; checks the shards of a segment run first. */
  static Trainer apply(FineTuningOptions options, ModelFlags flags, List<ShardSource> shards,
      Trainer trainer) throws IOException {
    Trainer configured = trainer;
    if (options.getSegmentLabels()) {
      SegmentExamples.requireRated(shards, new Yt8mDecoder(flags.features(),
          flags.numClasses(), flags.config().maxFrames()));
      configured = configured.withSegments(options.getSegmentSize());
    }
    if (options.getInitFrom() != null) {
      configured = configured.withInitFrom(InitFrom.of(FileSystemsTrainDir.of(
          options.getInitFrom())).withOptimizer(options.getInitOptimizer()));
    }
    return configured;
  }
}
