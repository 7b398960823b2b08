package org.yt8m.model.record;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;

/**
 * Which features a reader takes from each record, and their sizes, in concatenation order: the
 * starter code's {@code feature_names} / {@code feature_sizes}.
 *
 * @param names feature keys, e.g. {@code mean_rgb, mean_audio} or {@code rgb, audio}
 * @param sizes values per feature (per frame, for frame-level features)
 */
public record FeatureSpec(List<String> names, List<Integer> sizes) implements Serializable {
  // First: the constants below are parsed with these.
  private static final Splitter COMMA = Splitter.on(',').trimResults();
  private static final java.util.Set<String> RESERVED = java.util.Set.of("id", "video_id",
      "labels");

  /** The 2018 video-level readers' default: {@code mean_rgb,mean_audio} / {@code 1024,128}. */
  public static final FeatureSpec VIDEO_DEFAULT = parse("mean_rgb,mean_audio", "1024,128");

  /** The 2018 frame-level readers' default: {@code rgb,audio} / {@code 1024,128}. */
  public static final FeatureSpec FRAME_DEFAULT = parse("rgb,audio", "1024,128");

  public FeatureSpec {
    names = List.copyOf(names);
    sizes = List.copyOf(sizes);
    checkArgument(!names.isEmpty(), "no features selected");
    checkArgument(names.size() == sizes.size(),
        "%s feature names %s but %s feature sizes %s: give one size per name",
        names.size(), names, sizes.size(), sizes);
    checkArgument(new HashSet<>(names).size() == names.size(), "duplicate feature name in %s",
        names);
    for (int i = 0; i < names.size(); i++) {
      checkArgument(!names.get(i).isEmpty(), "empty feature name in %s", names);
      checkArgument(!RESERVED.contains(names.get(i)),
          "%s is the record's id or labels key, not a feature", names.get(i));
      checkArgument(sizes.get(i) > 0, "feature %s has size %s: sizes must be positive",
          names.get(i), sizes.get(i));
    }
  }

  /**
   * Parses the flag form: {@code parse("mean_rgb,mean_audio", "1024,128")}.
   *
   * @throws IllegalArgumentException naming the flag value that is wrong
   */
  public static FeatureSpec parse(String names, String sizes) {
    List<Integer> parsedSizes = COMMA.splitToStream(sizes).map(size -> {
      try {
        return Integer.parseInt(size);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "feature size '" + size + "' in '" + sizes + "' is not an integer", e);
      }
    }).toList();
    return new FeatureSpec(COMMA.splitToList(names), parsedSizes);
  }

  /** The number of features (names). */
  public int count() {
    return names.size();
  }

  /** The concatenated size: values per video (video-level) or per frame (frame-level). */
  public int totalSize() {
    return sizes.stream().mapToInt(Integer::intValue).sum();
  }

  /** The flag form of the names, e.g. {@code mean_rgb,mean_audio}. */
  public String namesFlag() {
    return String.join(",", names);
  }

  /** The flag form of the sizes, e.g. {@code 1024,128}. */
  public String sizesFlag() {
    return String.join(",", sizes.stream().map(String::valueOf).toList());
  }
}
