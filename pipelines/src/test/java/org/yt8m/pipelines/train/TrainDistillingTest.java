package org.yt8m.pipelines.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.train.TrainingResult;

/**
 * {@code train --distillFrom}: the export is loaded as infer loads models and scores the
 * student's batches; a teacher of other classes is refused, naming it, before anything is
 * written.
 */
class TrainDistillingTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "16,8");
  static final int CLASSES = 30;
  static final KnownModels.Weights WEIGHTS = KnownModels.Weights.random(24, CLASSES, 5L);

  @TempDir
  Path dir;
  Path teacher;

  @BeforeEach
  void writeShardsAndTeacher() throws Exception {
    SyntheticShards split = new SyntheticShards("test", 256, 1, false, 1, 1);
    try (OutputStream out = Files.newOutputStream(dir.resolve(split.shardName(0)))) {
      split.writeShard(0, SyntheticVideos.of(3L, CLASSES, FEATURES), out);
    }
    teacher = KnownModels.export(dir.resolve("teacher"), Models.LOGISTIC, FEATURES,
        WEIGHTS, 40);
  }

  private TrainOptions options(String... more) {
    String[] args = new String[more.length + 4];
    args[0] = "--trainDataPattern=" + dir + "/test*.tfrecord";
    args[1] = "--featureNames=mean_rgb,mean_audio";
    args[2] = "--featureSizes=16,8";
    args[3] = "--batchSize=64";
    System.arraycopy(more, 0, args, 4, more.length);
    return PipelineOptionsFactory.fromArgs(args).as(TrainOptions.class);
  }

  @Test
  void aStudentTrainsOnTheTeachersProbabilities() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrainingResult result = TrainCommand.execute(options("--trainDir=" + dir.resolve("student"),
        "--numClasses=" + CLASSES, "--maxSteps=12", "--distillFrom=" + teacher,
        "--distillWeight=2"), new PrintStream(out, true, UTF_8));
    assertTrue(out.toString(UTF_8).contains("distilling from LogisticModel at " + teacher
        + " (weight 2.0)"), out.toString(UTF_8));
    assertEquals(12, result.lastStep());
    // The shards carry no labels: the loss is the label loss toward all-zero targets (about
    // Σ_c −log(1 − p_c), 21 at the start and falling) plus 2 × the cross-entropy against the
    // teacher, which is at least the teacher's entropy (its mean over the shard; a batch's
    // differs a little, hence 1.5).
    double entropy = meanTeacherEntropy();
    assertTrue(result.lastLoss() > 1.5 * entropy, "loss " + result.lastLoss()
        + " below 1.5 times the teacher's entropy " + entropy);
  }

  /** The mean over the shard's videos of Σ_c H(t_c), the teacher's binary entropies. */
  private double meanTeacherEntropy() throws Exception {
    Yt8mDecoder decoder = new Yt8mDecoder(FEATURES, CLASSES, 300);
    double sum = 0;
    int videos = 0;
    Path shard = dir.resolve("test0000.tfrecord");
    try (TfRecordReader reader = new TfRecordReader(shard.toString(),
        Files.newInputStream(shard))) {
      while (reader.next()) {
        VideoRecord video = decoder.decodeVideo(reader.buffer(), reader.length());
        for (double t : KnownModels.probabilities(video.features(), WEIGHTS)) {
          sum -= t * Math.log(t) + (1 - t) * Math.log(1 - t);
        }
        videos++;
      }
    }
    return sum / videos;
  }

  @Test
  void aTeacherOfOtherClassesIsRefused() {
    Path student = dir.resolve("student");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainCommand.execute(options("--trainDir=" + student,
            "--numClasses=" + (CLASSES + 1), "--maxSteps=2", "--distillFrom=" + teacher),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8)));
    assertEquals("cannot distil from LogisticModel at " + teacher + ": it scores 30 classes, "
        + "the student 31", e.getMessage());
    assertFalse(Files.exists(student.resolve("model_flags.json")));
  }
}
