package org.yt8m.model.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;

/** Generated 2019 segment-rated splits: valid ratings, rated but for test, reproducible. */
class SyntheticSegmentsTest {
  private static final FeatureSpec SPEC = FeatureSpec.parse("rgb,audio", "8,4");
  private static final Yt8mDecoder DECODER = new Yt8mDecoder(SPEC, 20, 300);

  @Test
  void theSameSeedWritesTheSameBytes() throws Exception {
    SyntheticShards validate = new SyntheticShards("validate", 30, 2, true, 10, 330, true);
    assertArrayEquals(write(validate, 1), write(validate, 1));
    assertFalse(Arrays.equals(write(validate, 1), write(validate, 0)));
  }

  @Test
  void aValidateSplitRatesSegmentsOfTheVideosClassesWithinTheFramesKept() throws Exception {
    List<RatedVideo> videos = read(write(
        new SyntheticShards("validate", 200, 1, true, 10, 330, true), 0));
    assertEquals(200, videos.size());
    int positives = 0;
    int cells = 0;
    for (RatedVideo video : videos) {
      SegmentRatings ratings = video.ratings();
      assertTrue(ratings.size() >= 1 && ratings.size() <= 5, video.toString());
      assertEquals(ratings.size(), java.util.stream.IntStream.range(0, ratings.size())
          .mapToLong(ratings::startTime).distinct().count(), "distinct segments");
      for (int i = 0; i < ratings.size(); i++) {
        assertTrue(Arrays.binarySearch(video.labels(), ratings.segmentClass(i)) >= 0);
        assertTrue(ratings.startTime(i) < 300, "rated within the readers' 300 frames");
        positives += (int) ratings.score(i);
        cells++;
      }
    }
    double share = (double) positives / cells;
    assertTrue(share > 0.3 && share < 0.5, "a segment shows a class 40% of the time: " + share);
  }

  @Test
  void aTestSplitHasNeitherLabelsNorRatings() throws Exception {
    byte[] shard = write(new SyntheticShards("test", 20, 1, true, 10, 40, true), 0);
    try (TfRecordReader reader = new TfRecordReader("s", new ByteArrayInputStream(shard))) {
      while (reader.next()) {
        assertFalse(DECODER.hasSegmentFields(reader.buffer(), reader.length()));
        assertFalse(DECODER.decodeFrames(reader.buffer(), reader.length()).hasLabels());
      }
    }
  }

  private static byte[] write(SyntheticShards shards, int shard) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    shards.writeShard(shard, SyntheticVideos.of(3L, 20, SPEC), out);
    return out.toByteArray();
  }

  private static List<RatedVideo> read(byte[] shard) throws Exception {
    List<RatedVideo> videos = new ArrayList<>();
    try (TfRecordReader reader = new TfRecordReader("s", new ByteArrayInputStream(shard))) {
      while (reader.next()) {
        videos.add(DECODER.decodeRatedVideo(reader.buffer(), reader.length(), 5));
      }
    }
    return videos;
  }
}
