package org.yt8m.model.train.input;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RatedSegment;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;

/**
 * The per-segment example rule of segment training and model-mode segment evaluation: a rated
 * video gives one example per distinct rated start time (the Model Garden's {@code
 * tf.unique(segment_start_times)}), in ascending order of start.
 *
 * <ul>
 *   <li>Its frames are the video's frames {@code [start, start + segmentSize)}, fewer when the
 *       video ends first (the segment {@code infer --segmentLabels} scores under the same
 *       name; the Model Garden pads it with zero frames and says it has {@code segmentSize}).
 *   <li>Its targets and label weights: each class rated on that segment has weight 1 and
 *       target 1 when it was rated positive (score 1), 0 when negative; every other class has
 *       weight 0 (neither positive nor negative). A cell rated twice is positive if either
 *       rating is, as the segment evaluation's table counts it.
 * </ul>
 */
public final class SegmentExamples {
  private SegmentExamples() {}

  /**
   * Checks, before any work, that {@code shards} are segment-rated: the first record found has
   * a segment field (whatever its values; a record without ratings is valid). Shards without
   * records are passed over.
   *
   * @throws IllegalArgumentException naming the shard, the record and its id when it has none
   * @throws IOException when a shard cannot be read, naming it
   */
  public static void requireRated(List<ShardSource> shards, Yt8mDecoder decoder)
      throws IOException {
    for (ShardSource shard : shards) {
      try (TfRecordReader reader = new TfRecordReader(shard.name(),
          new BufferedInputStream(shard.open()))) {
        if (!reader.next()) {
          continue;
        }
        if (!decoder.hasSegmentFields(reader.buffer(), reader.length())) {
          String id;
          try {
            id = " (id " + decoder.decodeFrames(reader.buffer(), reader.length()).id() + ")";
          } catch (InvalidRecordException e) {
            id = "";
          }
          throw new IllegalArgumentException(shard.name() + ": record 0" + id + " has no "
              + "segment_labels, segment_start_times or segment_scores: --segmentLabels needs "
              + "2019 segment-rated frame-level shards (the validate split; generate writes "
              + "them with --frameFeatures --segmentLabels)");
        }
        return;
      } catch (InvalidRecordException e) {
        throw new IllegalArgumentException(shard.name() + ": record 0 is not a "
            + "tf.train.SequenceExample: " + e.getMessage(), e);
      }
    }
  }

  /** {@code video}'s rated segments, by ascending start frame; none when nothing is rated. */
  public static List<RatedSegment> of(RatedVideo video) {
    SegmentRatings ratings = video.ratings();
    Map<Long, Map<Integer, Boolean>> byStart = new TreeMap<>();
    for (int i = 0; i < ratings.size(); i++) {
      byStart.computeIfAbsent(ratings.startTime(i), start -> new TreeMap<>())
          .merge(ratings.segmentClass(i), ratings.score(i) > 0, Boolean::logicalOr);
    }
    FrameRecord frames = video.frames();
    int size = frames.frameSize();
    List<RatedSegment> segments = new ArrayList<>(byStart.size());
    for (Map.Entry<Long, Map<Integer, Boolean>> segment : byStart.entrySet()) {
      int start = Math.toIntExact(segment.getKey());
      int count = Math.min(video.segmentSize(), frames.numFrames() - start);
      int[] rated = new int[segment.getValue().size()];
      int[] positive = new int[rated.length];
      int r = 0;
      int p = 0;
      for (Map.Entry<Integer, Boolean> cell : segment.getValue().entrySet()) {
        rated[r++] = cell.getKey();
        if (cell.getValue()) {
          positive[p++] = cell.getKey();
        }
      }
      byte[] quantized = Arrays.copyOfRange(frames.quantizedFrames(), start * size,
          (start + count) * size);
      segments.add(RatedSegment.of(FrameRecord.of(frames.id() + ":" + start,
          Arrays.copyOf(positive, p), count, size, quantized), rated));
    }
    return segments;
  }
}
