package org.yt8m.model.train;

import org.jspecify.annotations.Nullable;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.train.input.Batch;

/**
 * One training batch as the training graph's input tensors (features, labels and, for
 * frame-level models, frames per video; segment batches add label weights), wrapped around the
 * batch's own arrays; closed after the runs that read them.
 */
final class BatchFeed implements AutoCloseable {
  private final TFloat32 features;
  private final TFloat32 labels;
  private final @Nullable TInt32 numFrames;
  private final @Nullable TFloat32 labelWeights;

  BatchFeed(Batch batch, TrainingGraph.Spec spec) {
    int size = batch.size();
    boolean frameLevel = spec.model().frameLevel();
    Shape featureShape = frameLevel
        ? Shape.of(size, batch.paddedFrames(), spec.featureSize())
        : Shape.of(size, spec.featureSize());
    features = TFloat32.tensorOf(featureShape, DataBuffers.of(batch.features(), true, false));
    labels = TFloat32.tensorOf(Shape.of(size, spec.numClasses()),
        DataBuffers.of(batch.labels(), true, false));
    numFrames = frameLevel ? TInt32.tensorOf(Shape.of(size),
        DataBuffers.of(batch.numFrames(), true, false)) : null;
    labelWeights = batch.labelWeights() == null ? null : TFloat32.tensorOf(
        Shape.of(size, spec.numClasses()), DataBuffers.of(batch.labelWeights(), true, false));
  }

  /** A runner of {@code session} fed with this batch's features, frames and labels. */
  Session.Runner runner(Session session, TrainingGraph graph) {
    Session.Runner runner = session.runner().feed(graph.features(), features)
        .feed(graph.labels(), labels);
    if (labelWeights != null) {
      runner.feed(graph.labelWeights(), labelWeights);
    }
    return numFrames == null ? runner : runner.feed(graph.numFrames(), numFrames);
  }

  TFloat32 features() {
    return features;
  }

  /** Frames per video; null for video-level batches. */
  @Nullable TInt32 numFrames() {
    return numFrames;
  }

  @Override
  public void close() {
    features.close();
    labels.close();
    if (numFrames != null) {
      numFrames.close();
    }
    if (labelWeights != null) {
      labelWeights.close();
    }
  }
}
