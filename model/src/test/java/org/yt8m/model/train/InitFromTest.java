package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.nn.ServingSignature;

/** {@code --initFrom} takes exactly the variables whose name and shape match. */
class InitFromTest {
  @TempDir
  Path dir;

  @Test
  void takesTheMatchingVariablesAndListsTheFreshOnes() throws Exception {
    Path source = exportSource();
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = variable(tf, "a", new float[] {0, 0});
      Variable<TFloat32> b = variable(tf, "b", new float[] {0, 0, 0, 0});
      variable(tf, "c", new float[] {7});
      Variable<TFloat32> slot = variable(tf, "optimizer/a_m", new float[] {0, 0});
      tf.withName("global_step").variable(tf.withInitScope().constant(0L));
      session.initialize();

      InitFrom.Report report = InitFrom.of(new LocalTrainDir(source, Clock.systemUTC()))
          .apply(g, session, dir);

      assertEquals(List.of("a"), report.taken());
      assertEquals(List.of("b (shape [3] there, [4] here)", "c", "optimizer/a_m",
          "global_step"), report.fresh());
      assertArrayEquals(new float[] {1, 2}, read(session, a));
      assertArrayEquals(new float[] {0, 0, 0, 0}, read(session, b));
      assertArrayEquals(new float[] {0, 0}, read(session, slot));
    }
  }

  @Test
  void withTheOptimizerItTakesTheSlotsButNeverTheStep() throws Exception {
    Path source = exportSource();
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      variable(tf, "a", new float[] {0, 0});
      Variable<TFloat32> slot = variable(tf, "optimizer/a_m", new float[] {0, 0});
      tf.withName("global_step").variable(tf.withInitScope().constant(0L));
      session.initialize();

      InitFrom.Report report = InitFrom.of(new LocalTrainDir(source, Clock.systemUTC()))
          .withOptimizer(true).apply(g, session, dir);

      assertEquals(List.of("a", "optimizer/a_m"), report.taken());
      assertEquals(List.of("global_step"), report.fresh());
      assertArrayEquals(new float[] {5, 6}, read(session, slot));
    }
  }

  @Test
  void aSourceSharingNothingIsRefused() throws Exception {
    Path source = exportSource();
    try (Graph g = new Graph(); Session session = new Session(g)) {
      variable(Ops.create(g), "other", new float[] {0});
      session.initialize();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> InitFrom.of(new LocalTrainDir(source, Clock.systemUTC())).apply(g, session,
              dir));
      assertEquals("--initFrom=" + source + ": " + source + "/export/step_9 shares no variable "
          + "(name and shape) with this model: is it a run of the same --model and flags?",
          e.getMessage());
    }
  }

  @Test
  void aDirectoryWithoutAnExportIsRefused() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    try (Graph g = new Graph(); Session session = new Session(g)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> InitFrom.of(new LocalTrainDir(empty, Clock.systemUTC())).apply(g, session,
              dir));
      assertEquals("--initFrom=" + empty + " is neither a training directory with an export "
          + "(export/latest) nor an export (saved_model.pb)", e.getMessage());
    }
  }

  /**
   * A training directory whose latest export holds a = [1, 2], b = [1, 2, 3],
   * optimizer/a_m = [5, 6] and global_step = 9.
   */
  private Path exportSource() throws Exception {
    Path trainDir = dir.resolve("source");
    Path export = trainDir.resolve("export/step_9");
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      variable(tf, "a", new float[] {1, 2});
      variable(tf, "b", new float[] {1, 2, 3});
      variable(tf, "optimizer/a_m", new float[] {5, 6});
      tf.withName("global_step").variable(tf.withInitScope().constant(9L));
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class);
      Operand<TFloat32> out = tf.identity(in);
      session.initialize();
      SavedModelBundle.exporter(export.toString()).withTags(ServingSignature.TAG)
          .withSession(session)
          .withSignature(Signature.builder().input("x", in).output("y", out).build()).export();
    }
    Files.writeString(trainDir.resolve(Exports.LATEST), "step_9\n");
    return trainDir;
  }

  /** A variable named {@code name}, whose part before a slash is a sub-scope. */
  private static Variable<TFloat32> variable(Ops tf, String name, float[] value) {
    int slash = name.lastIndexOf('/');
    Ops scope = slash < 0 ? tf : tf.withSubScope(name.substring(0, slash));
    return scope.withName(name.substring(slash + 1)).variable(
        scope.withInitScope().constant(value));
  }

  private static float[] read(Session session, Variable<TFloat32> variable) {
    try (Result result = session.runner().fetch(variable).run()) {
      float[] values = new float[(int) variable.shape().size()];
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(values, false, false));
      return values;
    }
  }
}
