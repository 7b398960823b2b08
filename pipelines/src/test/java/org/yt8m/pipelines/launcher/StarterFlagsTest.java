package org.yt8m.pipelines.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.yt8m.pipelines.inspect.InspectOptions;

class StarterFlagsTest {
  private static final OptionProperties INSPECT = OptionProperties.of(InspectOptions.class);

  @Test
  void snakeCaseBecomesCamelCase() {
    assertEquals(List.of("--inputPattern=a*.tfrecord", "--featureNames=mean_rgb",
            "--featureSizes=1024"),
        normalize("--input_pattern=a*.tfrecord", "--feature_names=mean_rgb",
            "--feature_sizes=1024"));
  }

  @Test
  void camelCaseIsUnchanged() {
    assertEquals(List.of("--inputPattern=x", "--numClasses=4716"),
        normalize("--inputPattern=x", "--numClasses=4716"));
  }

  @Test
  void pythonBooleansBecomeJavaBooleans() {
    assertEquals(List.of("--frameFeatures=true", "--frameFeatures=false"),
        normalize("--frame_features=True", "--frame_features=False"));
  }

  @Test
  void abslBooleanSpellingsOnlyForBooleans() {
    assertEquals(List.of("--frameFeatures=true", "--frameFeatures=false",
            "--inputPattern=True", "--numWorkers=1", "--streaming=false"),
        normalize("--frame_features=1", "--frame_features=f", "--input_pattern=True",
            "--num_workers=1", "--streaming=False"));
  }

  @Test
  void bareAndNegatedBooleans() {
    assertEquals(List.of("--frameFeatures", "--frameFeatures=false"),
        normalize("--frame_features", "--noframe_features"));
  }

  @Test
  void abslSpaceSeparatedValues() {
    assertEquals(List.of("--inputPattern=x*", "--frameFeatures", "--numClasses=10",
            "--frameFeatures=true"),
        normalize("--input_pattern", "x*", "--frame_features", "--num_classes", "10",
            "--frame_features", "True"));
  }

  @Test
  void flagsThatMeanNothingHereAreDroppedAndReported() {
    StarterFlags.Normalized normalized = StarterFlags.normalize(List.of("--num_readers=8",
        "--inputPattern=x", "--num_gpu", "2", "--log_device_placement=False", "--run_once",
        "--norun_once"), INSPECT);
    assertEquals(List.of("--inputPattern=x"), normalized.args());
    assertEquals(List.of("--num_readers=8", "--num_gpu 2", "--log_device_placement=False",
        "--run_once", "--norun_once"), normalized.ignored());
  }

  private static List<String> normalize(String... args) {
    return StarterFlags.normalize(List.of(args), INSPECT).args();
  }
}
