package org.yt8m.transforms.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.transforms.io.FileSystemsTrainDir;

class ModelLocationTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb", "4");

  @TempDir
  Path train;

  @Test
  void aTrainingDirectoryResolvesToTheExportLatestNames() throws Exception {
    KnownModels.export(train, Models.LOGISTIC, FEATURES, KnownModels.Weights.random(4, 3, 1), 5);
    KnownModels.export(train, Models.LOGISTIC, FEATURES, KnownModels.Weights.random(4, 3, 2), 9);
    ModelLocation latest = ModelLocation.latestIn(train + "/");
    assertEquals(train + "/export/step_9", latest.exportDir());
    assertEquals(KnownModels.flags(Models.LOGISTIC, FEATURES, 3), latest.flags());
    assertEquals(train + "/export/step_5",
        ModelLocation.export(train.resolve("export/step_5").toString()).exportDir());
    assertEquals(train.resolve("export/step_9"), latest.fetch(train.resolve("unused")),
        "a local export is loaded where it is");
  }

  @Test
  void noExportOrNoModelFlagsIsAnErrorNamingThePlace() throws Exception {
    FileNotFoundException none = assertThrows(FileNotFoundException.class,
        () -> ModelLocation.latestIn(train.toString()));
    assertEquals(train + " holds no exported model: export/latest is missing (yt8m train "
        + "exports there)", none.getMessage());
    Files.createDirectories(train.resolve("step_1"));
    FileNotFoundException notAnExport = assertThrows(FileNotFoundException.class,
        () -> ModelLocation.export(train.resolve("step_1").toString()));
    assertTrue(notAnExport.getMessage().startsWith(train.resolve("step_1")
        + " has no model_flags.json"), notAnExport.getMessage());
  }

  /** The path a gs:// export takes: every file copied to local disk, then loaded from there. */
  @Test
  void aRemoteExportIsCopiedToLocalDiskWhole(@TempDir Path scratch) throws Exception {
    KnownModels.Weights weights = KnownModels.Weights.random(4, 3, 3);
    Path export = KnownModels.export(train, Models.LOGISTIC, FEATURES, weights, 2);
    Path copy = ModelLocation.copy(new FileSystemsTrainDir(export.toString()), scratch);
    try (Stream<Path> original = Files.walk(export); Stream<Path> copied = Files.walk(copy)) {
      assertEquals(original.filter(Files::isRegularFile).map(export::relativize).sorted()
          .toList(), copied.filter(Files::isRegularFile).map(copy::relativize).sorted().toList());
    }
    VideoRecord video = VideoRecord.of("v", new int[0], new float[] {1, -2, 3, 0.5f});
    try (ExportedModel model = ExportedModel.load(copy, 1)) {
      assertArrayEquals(KnownModels.topK(KnownModels.probabilities(video.features(), weights),
          3), model.score(List.of(video), 3).classesOf(0));
    }
  }
}
