package org.yt8m.model.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.yt8m.model.serving.ExportedModel;

/**
 * Knowledge distillation (Hinton et al. 2015, as the 2018 winners distilled their ensembles into
 * one model): a loaded export, the teacher, scores each training batch, and the student's loss
 * adds {@code distillWeight} times the cross-entropy of its probabilities against the
 * teacher's ({@link org.yt8m.model.nn.TrainingGraph#teacherProbabilities}).
 *
 * <p>The teacher reads what the student reads: the same features, frame-level or video-level
 * alike, and scores the same classes; anything else is refused when the trainer starts, naming
 * the teacher. It is not closed here: whoever loaded it owns it.
 */
public final class Distillation {
  private final ExportedModel teacher;
  private final int numClasses;

  private Distillation(ExportedModel teacher, int numClasses) {
    this.teacher = teacher;
    this.numClasses = numClasses;
  }

  /** The teacher {@code teacher} for a student of {@code student}'s flags. */
  public static Distillation of(ExportedModel teacher, ModelFlags student) {
    ModelFlags flags = teacher.flags();
    List<String> differences = new ArrayList<>();
    if (flags.frameFeatures() != student.frameFeatures()) {
      differences.add("it reads " + (flags.frameFeatures() ? "frame" : "video")
          + "-level features, the student " + (student.frameFeatures() ? "frame" : "video")
          + "-level ones");
    }
    if (!flags.features().equals(student.features())) {
      differences.add("its features are " + flags.features().names() + " of sizes "
          + flags.features().sizes() + ", the student's " + student.features().names()
          + " of sizes " + student.features().sizes());
    }
    if (flags.numClasses() != student.numClasses()) {
      differences.add("it scores " + flags.numClasses() + " classes, the student "
          + student.numClasses());
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("cannot distil from " + teacher + ": "
          + String.join("; ", differences));
    }
    return new Distillation(teacher, student.numClasses());
  }

  /** {@code [B, C]}: the teacher's probabilities of the batch in {@code feed}. */
  TFloat32 probabilities(BatchFeed feed) throws InterruptedException {
    float[] scores = teacher.probabilities(feed.features(), feed.numFrames());
    return TFloat32.tensorOf(Shape.of(scores.length / numClasses, numClasses),
        DataBuffers.of(scores, true, false));
  }

  @Override
  public String toString() {
    return teacher.toString();
  }
}
