package org.yt8m.model.nn;

import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A tiny learnable problem for graph tests: class c is positive when feature c (summed over
 * a video's frames for frame-level input) is positive, so every model can fit it in a few
 * dozen steps.
 */
final class TinyData {
  final int videos;
  final int featureSize;
  final int numClasses;
  final int frames;
  final float[] features;
  final int[] numFrames;
  final float[] labels;

  TinyData(int videos, int featureSize, int numClasses, int frames, long seed) {
    this.videos = videos;
    this.featureSize = featureSize;
    this.numClasses = numClasses;
    this.frames = frames;
    Random random = new Random(seed);
    int perVideo = featureSize * Math.max(frames, 1);
    features = new float[videos * perVideo];
    numFrames = new int[videos];
    labels = new float[videos * numClasses];
    for (int v = 0; v < videos; v++) {
      numFrames[v] = frames == 0 ? 0 : 1 + random.nextInt(frames);
      int used = frames == 0 ? 1 : numFrames[v];
      float[] sums = new float[featureSize];
      for (int f = 0; f < used; f++) {
        for (int d = 0; d < featureSize; d++) {
          float value = (float) random.nextGaussian();
          features[v * perVideo + f * featureSize + d] = value;
          sums[d] += value;
        }
      }
      for (int c = 0; c < numClasses; c++) {
        labels[v * numClasses + c] = sums[c % featureSize] > 0 ? 1f : 0f;
      }
    }
  }

  boolean frameLevel() {
    return frames > 0;
  }

  TFloat32 featureTensor() {
    Shape shape = frameLevel() ? Shape.of(videos, frames, featureSize)
        : Shape.of(videos, featureSize);
    return TFloat32.tensorOf(shape, DataBuffers.of(features, true, false));
  }

  TInt32 numFramesTensor() {
    return TInt32.tensorOf(Shape.of(videos), DataBuffers.of(numFrames, true, false));
  }

  TFloat32 labelTensor() {
    return TFloat32.tensorOf(Shape.of(videos, numClasses), DataBuffers.of(labels, true, false));
  }

  /** Runs one training step on the whole set and returns the loss before the step. */
  float step(Session session, TrainingGraph graph) {
    try (TFloat32 x = featureTensor(); TInt32 frameCounts = numFramesTensor();
        TFloat32 y = labelTensor()) {
      Session.Runner runner = session.runner().feed(graph.features(), x)
          .feed(graph.labels(), y);
      if (frameLevel()) {
        runner.feed(graph.numFrames(), frameCounts);
      }
      try (Result result = runner.addTarget(graph.trainStep()).fetch(graph.loss()).run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }
  }
}
