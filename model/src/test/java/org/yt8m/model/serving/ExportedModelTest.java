package org.yt8m.model.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;

/**
 * A model exported with known weights scores known videos to the top-k worked out by hand:
 * {@code sigmoid(normalize(x)·W + b)}, for video-level and frame-level input.
 */
class ExportedModelTest {
  static final FeatureSpec VIDEO = FeatureSpec.parse("mean_rgb,mean_audio", "4,2");
  static final FeatureSpec FRAMES = FeatureSpec.parse("rgb,audio", "3,2");
  static final int CLASSES = 7;
  static final KnownModels.Weights WEIGHTS = KnownModels.Weights.random(6, CLASSES, 5);
  static final KnownModels.Weights FRAME_WEIGHTS = KnownModels.Weights.random(5, CLASSES, 6);

  @TempDir
  static Path dir;
  static Path videoModel;
  static Path frameModel;

  @BeforeAll
  static void export() throws Exception {
    videoModel = KnownModels.export(dir.resolve("video"), Models.LOGISTIC, VIDEO, WEIGHTS, 3);
    frameModel = KnownModels.export(dir.resolve("frames"), Models.FRAME_LEVEL_LOGISTIC, FRAMES,
        FRAME_WEIGHTS, 3);
  }

  static List<VideoRecord> videos(int count) {
    SplittableRandom random = new SplittableRandom(9);
    List<VideoRecord> videos = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      float[] features = new float[6];
      for (int d = 0; d < features.length; d++) {
        features[d] = (float) random.nextDouble(-2, 2);
      }
      videos.add(VideoRecord.of("v" + v, new int[0], features));
    }
    return videos;
  }

  static void assertTopK(double[] expected, TopKBatch batch, int video) {
    int k = batch.k();
    assertArrayEquals(KnownModels.topK(expected, k), batch.classesOf(video), "video " + video);
    for (int i = 0; i < k; i++) {
      assertEquals(expected[batch.classesOf(video)[i]], batch.scoresOf(video)[i], 1e-6);
    }
  }

  @Test
  void scoresVideosToTheTopKWorkedOutByHand() throws Exception {
    List<VideoRecord> videos = videos(10);
    try (ExportedModel model = ExportedModel.load(videoModel, 2)) {
      assertEquals(KnownModels.flags(Models.LOGISTIC, VIDEO, CLASSES), model.flags());
      TopKBatch top = model.score(videos, 3);
      assertEquals(10, top.size());
      for (int v = 0; v < videos.size(); v++) {
        assertTopK(KnownModels.probabilities(videos.get(v).features(), WEIGHTS), top, v);
      }
      TopKBatch all = model.score(videos.subList(0, 1), CLASSES);
      assertTopK(KnownModels.probabilities(videos.get(0).features(), WEIGHTS), all, 0);
    }
  }

  @Test
  void framesArePaddedToTheBatchsLongestVideoWithoutChangingScores() throws Exception {
    SplittableRandom random = new SplittableRandom(4);
    List<FrameRecord> videos = new ArrayList<>();
    for (int frames : new int[] {1, 4, 9, 2}) {
      byte[] bytes = new byte[frames * 5];
      random.nextBytes(bytes);
      videos.add(FrameRecord.of("f" + frames, new int[0], frames, 5, bytes));
    }
    try (ExportedModel model = ExportedModel.load(frameModel, 1)) {
      TopKBatch together = model.score(videos, 4);
      for (int v = 0; v < videos.size(); v++) {
        assertTopK(KnownModels.probabilities(videos.get(v), FRAME_WEIGHTS), together, v);
        TopKBatch alone = model.score(videos.subList(v, v + 1), 4);
        assertArrayEquals(together.classesOf(v), alone.classesOf(0));
        assertArrayEquals(together.scoresOf(v), alone.scoresOf(0), 1e-7f);
      }
    }
  }

  /** The segment whitelist: the best of the given classes only, named by their own ids. */
  @Test
  void scoresAmongASubsetOfClasses() throws Exception {
    List<VideoRecord> videos = videos(5);
    int[] subset = {1, 3, 4, 6};
    try (ExportedModel model = ExportedModel.load(videoModel, 1)) {
      TopKBatch top = model.scoreAmong(videos, 2, subset);
      for (int v = 0; v < videos.size(); v++) {
        double[] all = KnownModels.probabilities(videos.get(v).features(), WEIGHTS);
        double[] masked = new double[CLASSES];
        java.util.Arrays.fill(masked, -1);
        for (int c : subset) {
          masked[c] = all[c];
        }
        assertTopK(masked, top, v);
      }
      assertEquals(5, model.scoreAmong(videos, 2, subset.clone()).size(), "head reused");
      IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
          () -> model.scoreAmong(videos, 5, subset));
      assertTrue(tooMany.getMessage().contains("k must lie in [1, 4]"), tooMany.getMessage());
    }
  }

  @Test
  void kBeyondTheClassesOrTheWrongRecordLevelIsAClearError() throws Exception {
    try (ExportedModel model = ExportedModel.load(videoModel, 1)) {
      IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
          () -> model.score(videos(1), CLASSES + 1));
      assertTrue(k.getMessage().startsWith("k must lie in [1, 7] (the classes LogisticModel "
          + "at " + videoModel + " scores), got 8"), k.getMessage());
      FrameRecord frames = FrameRecord.of("f", new int[0], 1, 6, new byte[6]);
      IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
          () -> model.score(List.of(frames), 1));
      assertEquals("LogisticModel scores VideoRecords, got a FrameRecord (video f): read the "
          + "shards as video-level records", level.getMessage());
      VideoRecord wide = VideoRecord.of("w", new int[0], new float[9]);
      IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
          () -> model.score(List.of(wide), 1));
      assertEquals("video w has 9 feature values; LogisticModel takes 6", size.getMessage());
    }
  }

  @Test
  void anExportWithoutItsWeightsNamesWhatIsMissing(@TempDir Path copy) throws Exception {
    for (String file : List.of("saved_model.pb", "model_flags.json")) {
      Files.copy(videoModel.resolve(file), copy.resolve(file));
    }
    // TensorFlow loads this and fails only at the first run: "Attempting to use uninitialized
    // value".
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> ExportedModel.load(copy, "gs://bucket/train/export/step_3", 1));
    assertEquals("gs://bucket/train/export/step_3 is incomplete: it has no "
        + "variables/variables.index (the model's weights). Export it again: a run of yt8m "
        + "train resumed from its trainDir exports anew", e.getMessage());
  }

  @Test
  void aDamagedExportNamesItself(@TempDir Path copy) throws Exception {
    try (var files = Files.walk(videoModel)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = copy.resolve(videoModel.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target);
      }
    }
    Path data;
    try (var files = Files.list(copy.resolve("variables"))) {
      data = files.filter(f -> f.getFileName().toString().startsWith("variables.data"))
          .findFirst().orElseThrow();
    }
    Files.write(data, new byte[3]); // cut short
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> ExportedModel.load(copy, 1));
    assertTrue(e.getMessage().startsWith(copy + ": cannot load the exported model, a file of it "
        + "is damaged: "), e.getMessage());
  }

  @Test
  void aDirectoryWithoutModelFlagsIsNotAnExport(@TempDir Path empty) throws Exception {
    Files.createDirectories(empty.resolve("variables"));
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> ExportedModel.load(empty, 1));
    assertTrue(e.getMessage().startsWith(empty + " has no model_flags.json"), e.getMessage());
  }
}
