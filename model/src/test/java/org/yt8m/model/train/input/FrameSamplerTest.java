package org.yt8m.model.train.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Training batches' frames sampled per video: every sampled frame is one of the video's real
 * frames (never padding), a run is consecutive from a random start, the same seed samples the
 * same frames, and with 0 frames or video-level batches nothing changes.
 */
class FrameSamplerTest {
  private static final int FRAME_SIZE = 3;
  private static final int[] NUM_FRAMES = {7, 2, 30, 12};
  private static final int PADDED = 30;

  /** A batch whose frame f of video v holds the values 1000·v + f + 1 (padding holds 0). */
  private static Batch batch() {
    float[] features = new float[NUM_FRAMES.length * PADDED * FRAME_SIZE];
    for (int v = 0; v < NUM_FRAMES.length; v++) {
      for (int f = 0; f < NUM_FRAMES[v]; f++) {
        Arrays.fill(features, (v * PADDED + f) * FRAME_SIZE, (v * PADDED + f + 1) * FRAME_SIZE,
            1000f * v + f + 1);
      }
    }
    return new Batch(NUM_FRAMES.length, features, PADDED, NUM_FRAMES.clone(),
        new float[NUM_FRAMES.length * 2], new int[NUM_FRAMES.length][],
        new String[] {"a", "b", "c", "d"}, 1);
  }

  /** The frame index each sampled frame of video v came from. */
  private static int[] sourceFrames(Batch sampled, int v) {
    int frames = sampled.paddedFrames();
    int[] sources = new int[frames];
    for (int f = 0; f < frames; f++) {
      float value = sampled.features()[(v * frames + f) * FRAME_SIZE];
      assertEquals(value, sampled.features()[(v * frames + f) * FRAME_SIZE + FRAME_SIZE - 1]);
      assertEquals(1000 * v, (int) value / 1000 * 1000, "frame of another video: " + value);
      sources[f] = (int) value - 1000 * v - 1;
    }
    return sources;
  }

  @Test
  void randomFramesAreRealFramesOfTheVideo() {
    Batch sampled = new FrameSampler(10, true, 5L).sample(batch());
    assertEquals(10, sampled.paddedFrames());
    assertArrayEquals(new int[] {10, 10, 10, 10}, sampled.numFrames());
    assertEquals(NUM_FRAMES.length * 10 * FRAME_SIZE, sampled.features().length);
    Set<Integer> seenOfLongest = new HashSet<>();
    for (int v = 0; v < NUM_FRAMES.length; v++) {
      for (int source : sourceFrames(sampled, v)) {
        assertTrue(source >= 0 && source < NUM_FRAMES[v], "video " + v + " frame " + source);
        if (v == 2) {
          seenOfLongest.add(source);
        }
      }
    }
    assertTrue(seenOfLongest.size() > 3, "10 draws from 30 frames gave " + seenOfLongest);
  }

  @Test
  void aRunIsConsecutiveAndRepeatsTheLastFrameOfAShortVideo() {
    Batch sampled = new FrameSampler(5, false, 5L).sample(batch());
    for (int v = 0; v < NUM_FRAMES.length; v++) {
      int[] sources = sourceFrames(sampled, v);
      for (int f = 1; f < sources.length; f++) {
        assertEquals(Math.min(sources[0] + f, NUM_FRAMES[v] - 1), sources[f],
            "video " + v + ": " + Arrays.toString(sources));
      }
      assertTrue(sources[0] >= 0 && sources[0] <= Math.max(NUM_FRAMES[v] - 5, 0));
    }
    assertArrayEquals(new int[] {0, 1, 1, 1, 1}, sourceFrames(sampled, 1));
  }

  @Test
  void theSameSeedSamplesTheSameFrames() {
    Batch first = new FrameSampler(8, true, 42L).sample(batch());
    Batch again = new FrameSampler(8, true, 42L).sample(batch());
    Batch other = new FrameSampler(8, true, 43L).sample(batch());
    assertArrayEquals(first.features(), again.features());
    assertNotEquals(Arrays.toString(first.features()), Arrays.toString(other.features()));
    assertArrayEquals(new String[] {"a", "b", "c", "d"}, first.ids());
  }

  @Test
  void zeroFramesOrVideoLevelBatchesAreLeftAsTheyAre() {
    Batch batch = batch();
    assertSame(batch, new FrameSampler(0, true, 1L).sample(batch));
    Batch videos = new Batch(2, new float[6], 0, null, new float[4], new int[2][],
        new String[] {"x", "y"}, 1);
    assertSame(videos, new FrameSampler(4, true, 1L).sample(videos));
  }
}
