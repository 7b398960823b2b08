package org.yt8m.model.export;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.RunId;

/**
 * The {@code model_flags.json} of an ensemble, and the check that its members can be one.
 *
 * <p>An ensemble feeds every member from the same record, so its members must read the same
 * records: the same features and sizes, the same classes, and either all video-level or all
 * frame-level with the same {@code max_frames}. Video-level and frame-level members together
 * are refused: a frame-level record holds no {@code mean_rgb}/{@code mean_audio} and a
 * video-level one no frames, and averaging a record's frames in the graph would feed the
 * video-level member features computed otherwise than those it was trained on.
 *
 * <p>The file is the first member's (what {@code infer} and {@code evaluate} read: features,
 * frame mode, classes, frames, and the label loss the {@code evaluate} signature's loss uses),
 * plus {@value #KEY}: each member's export, model and normalized weight.
 */
public final class EnsembleFlags {
  /** The key that lists the members. */
  public static final String KEY = "ensemble";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnsembleFlags() {}

  /** One member: where its export is, and its flags. */
  public record Member(String location, ModelFlags flags) {}

  /**
   * Fails unless every member reads the records the first one reads, naming both members and
   * what differs.
   */
  public static void requireCompatible(List<Member> members) {
    checkArgument(!members.isEmpty(), "an ensemble needs at least one member");
    Member first = members.get(0);
    for (Member member : members.subList(1, members.size())) {
      ModelFlags a = first.flags();
      ModelFlags b = member.flags();
      if (a.frameFeatures() != b.frameFeatures()) {
        Member frames = a.frameFeatures() ? first : member;
        Member videos = a.frameFeatures() ? member : first;
        throw new IllegalArgumentException(frames.location() + " (" + frames.flags().model()
            + ") reads frame-level records, " + videos.location() + " ("
            + videos.flags().model() + ") video-level ones: an ensemble feeds all its members "
            + "from one record, and no record holds both frames and video-level features. "
            + "Ensemble the frame-level and the video-level models apart");
      }
      differ(first, member, "feature_names", a.features().namesFlag(),
          b.features().namesFlag());
      differ(first, member, "feature_sizes", a.features().sizesFlag(),
          b.features().sizesFlag());
      differ(first, member, "num_classes", a.numClasses(), b.numClasses());
      if (a.frameFeatures()) {
        differ(first, member, "max_frames", a.config().maxFrames(), b.config().maxFrames());
      }
    }
  }

  private static void differ(Member first, Member other, String key, Object a, Object b) {
    if (!a.equals(b)) {
      throw new IllegalArgumentException(other.location() + "/" + ModelFlags.FILE_NAME
          + " has " + key + " " + b + ", " + first.location() + "/" + ModelFlags.FILE_NAME
          + " " + a + ": an ensemble's members must read the same records");
    }
  }

  /** Whether a {@code model_flags.json} text is an ensemble's (it lists {@value #KEY}). */
  public static boolean isEnsemble(String flagsJson) {
    try {
      return JSON.readTree(flagsJson).has(KEY);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The ensemble's {@code model_flags.json} text: the first member's flags, the run
   * {@code run}, and the members with their {@code weights} (as
   * {@link EnsembleExport#normalizedWeights} gives them).
   */
  public static String json(List<Member> members, double[] weights, RunId run) {
    checkArgument(members.size() == weights.length, "%s members, %s weights", members.size(),
        weights.length);
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(members.get(0).flags().toJson(run));
      ArrayNode list = root.putArray(KEY);
      for (int i = 0; i < weights.length; i++) {
        list.addObject().put("export", members.get(i).location())
            .put("model", members.get(i).flags().model()).put("weight", weights[i]);
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
