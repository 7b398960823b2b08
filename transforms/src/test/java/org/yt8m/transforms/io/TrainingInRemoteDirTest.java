package org.yt8m.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.LabelLoss;
import org.yt8m.model.nn.ModelConfig;
import org.yt8m.model.nn.Models;
import org.yt8m.model.nn.OptimizerKind;
import org.yt8m.model.nn.TrainingGraph;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.Trainer;
import org.yt8m.model.train.TrainerSettings;
import org.yt8m.model.train.TrainingResult;
import org.yt8m.model.train.summary.EventLogs;
import org.yt8m.model.train.summary.ScalarPoint;

/**
 * Training into a directory with no local path, the way a {@code gs://} trainDir works:
 * checkpoints, exports and event files are staged and uploaded, and a second run resumes from
 * what the first uploaded, reading its shards through Beam's FileSystems (GZIP included).
 */
class TrainingInRemoteDirTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "12,4");

  @Test
  void trainsAndResumesThroughUploads(@TempDir Path data, @TempDir Path root) throws Exception {
    SyntheticShards split = new SyntheticShards("train", 128, 1, false, 1, 1);
    try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(
        data.resolve("train0000.tfrecord.gz")))) {
      split.writeShard(0, SyntheticVideos.of(4L, 8, FEATURES), out);
    }
    FileSystemsTrainDir dir = new FileSystemsTrainDir(root.toString());

    TrainingResult first = train(dir, data, 5);
    TrainingResult second = train(dir, data, 9);

    assertEquals(5, first.lastStep());
    assertEquals(5, second.firstStep());
    assertEquals(9, second.lastStep());
    assertEquals("step_9\n", Files.readString(root.resolve("export/latest")));
    assertTrue(Files.exists(root.resolve("export/step_9/saved_model.pb")));
    List<Long> steps = new ArrayList<>();
    for (ScalarPoint point : EventLogs.scalars(root)) {
      if (point.tag().equals("model/Training_Loss")) {
        steps.add(point.step());
      }
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), steps);
  }

  private static TrainingResult train(FileSystemsTrainDir dir, Path data, long maxSteps)
      throws Exception {
    ModelFlags flags = new ModelFlags("LogisticModel", FEATURES, false, "CrossEntropyLoss", 8,
        ModelConfig.DEFAULTS);
    TrainingGraph.Spec spec = new TrainingGraph.Spec(Models.LOGISTIC, flags.config(), 16, 8,
        LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM, 0.01f, 0.95f, 4_000_000L, 16, 1f, 1L);
    return new Trainer(dir, flags, spec, new TrainerSettings(0, maxSteps, 100, false, 1, 1, 0,
        2L), FileSystemsShards.matching(data + "/train*", Compression.AUTO), 0, line -> { })
        .run();
  }
}
