package org.yt8m.model.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Locale;
import java.util.SplittableRandom;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.RatedVideo;

/**
 * How a synthetic split is laid out in shards, and the writing of one shard: shard {@code s} of
 * a split holds videos {@code t0003-000000, t0003-000001, …} drawn from a random stream seeded
 * by (seed, split, s) alone, so shards can be written in any order, in parallel, and always come
 * out byte-identical.
 *
 * @param split the split name, e.g. {@code train}, {@code validate} or {@code test}; test
 *     shards are written without {@code labels}, as the real ones are
 * @param numVideos videos in the split, spread over the shards as evenly as possible
 * @param numShards shards in the split
 * @param frameLevel whether to write frame-level {@code SequenceExample}s
 * @param minFrames the fewest frames of a frame-level video
 * @param maxFrames the most frames of a frame-level video
 * @param segmentLabels whether frame-level videos are 2019 segment-rated ones
 *     ({@link SyntheticVideos#ratedVideo}): 5-frame segments that show their classes or not,
 *     rated in every split but {@code test}
 */
public record SyntheticShards(String split, int numVideos, int numShards, boolean frameLevel,
    int minFrames, int maxFrames, boolean segmentLabels) implements Serializable {

  /** The default frame range: some videos longer than the readers' 300 frames, to truncate. */
  public static final int DEFAULT_MIN_FRAMES = 10;
  public static final int DEFAULT_MAX_FRAMES = 330;

  public SyntheticShards {
    checkArgument(split.matches("[a-z]+"), "split must be lowercase letters: '%s'", split);
    checkArgument(numVideos >= 0, "numVideos must not be negative: %s", numVideos);
    checkArgument(numShards > 0, "numShards must be positive: %s", numShards);
    checkArgument(0 < minFrames && minFrames <= maxFrames, "bad frame range [%s, %s]",
        minFrames, maxFrames);
    checkArgument(frameLevel || !segmentLabels, "segment labels need frame-level shards");
  }

  /** A split without segment labels. */
  public SyntheticShards(String split, int numVideos, int numShards, boolean frameLevel,
      int minFrames, int maxFrames) {
    this(split, numVideos, numShards, frameLevel, minFrames, maxFrames, false);
  }

  /** Whether the split's records carry labels (every split but {@code test}). */
  public boolean withLabels() {
    return !split.equals("test");
  }

  /** The file name of shard {@code shard}, as the releases name them: {@code train0003.tfrecord}. */
  public String shardName(int shard) {
    return String.format(Locale.ROOT, "%s%04d.tfrecord", split, shard);
  }

  /** The number of videos in shard {@code shard}. */
  public int videosInShard(int shard) {
    return numVideos / numShards + (shard < numVideos % numShards ? 1 : 0);
  }

  /** Writes shard {@code shard}'s TFRecords to {@code out} (not closed). */
  public void writeShard(int shard, SyntheticVideos videos, OutputStream out)
      throws IOException {
    checkArgument(0 <= shard && shard < numShards, "shard %s of %s", shard, numShards);
    FeatureSpec spec = videos.features();
    Yt8mEncoder encoder = new Yt8mEncoder(spec);
    TfRecordWriter writer = new TfRecordWriter(out);
    SplittableRandom random = new SplittableRandom(Hashing.murmur3_128().newHasher()
        .putLong(videos.seed()).putString(split, UTF_8).putInt(shard).hash().asLong());
    int count = videosInShard(shard);
    for (int i = 0; i < count; i++) {
      String id = String.format(Locale.ROOT, "%c%04d-%06d", split.charAt(0), shard, i);
      byte[] bytes = segmentLabels
          ? encoder.encodeRatedVideo(videos.ratedVideo(id, random, minFrames, maxFrames,
              RatedVideo.SEGMENT_FRAMES, Yt8mDecoder.DEFAULT_MAX_FRAMES), withLabels())
          : frameLevel
          ? encoder.encodeFrames(videos.frames(id, random, minFrames, maxFrames), withLabels())
          : encoder.encodeVideo(videos.video(id, random), withLabels());
      writer.write(bytes);
    }
  }
}
