package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;
import org.yt8m.model.metrics.VideoMetrics;
import org.yt8m.transforms.combine.Mergeable;

/**
 * The per-video figures of a set of videos, summed exactly: videos, Hit@1 hits, PERR as hits
 * per label count (so the mean is an exact sum of fractions in a fixed order, the same however
 * videos were grouped), positives per class and in all. Mergeable; a combine accumulator.
 */
final class VideoTotals
    implements Mergeable<VideoTotals>, Serializable {
  private static final long serialVersionUID = 1L;

  long examples;
  long hits;
  /** Index n: PERR hits of the videos with n labels. */
  long[] perrHitsByLabelCount = new long[0];
  long[] classPositives;
  long allPositives;

  VideoTotals(int numClasses) {
    classPositives = new long[numClasses];
  }

  void add(VideoPredictions video) {
    examples++;
    hits += (long) VideoMetrics.hitAtOne(video.ranked(), video.labels());
    int n = video.labels().length;
    if (n > 0) {
      if (n >= perrHitsByLabelCount.length) {
        perrHitsByLabelCount = Arrays.copyOf(perrHitsByLabelCount, n + 1);
      }
      perrHitsByLabelCount[n] += VideoMetrics.perrHits(video.ranked(), video.scores(),
          video.labels());
    }
    for (int label : video.labels()) {
      classPositives[label]++;
    }
    allPositives += n;
  }

  @Override
  public VideoTotals merge(VideoTotals other) {
    examples += other.examples;
    hits += other.hits;
    if (other.perrHitsByLabelCount.length > perrHitsByLabelCount.length) {
      perrHitsByLabelCount = Arrays.copyOf(perrHitsByLabelCount,
          other.perrHitsByLabelCount.length);
    }
    for (int n = 0; n < other.perrHitsByLabelCount.length; n++) {
      perrHitsByLabelCount[n] += other.perrHitsByLabelCount[n];
    }
    for (int c = 0; c < classPositives.length; c++) {
      classPositives[c] += other.classPositives[c];
    }
    allPositives += other.allPositives;
    return this;
  }


  double hitAtOne() {
    return examples == 0 ? 0 : (double) hits / examples;
  }

  double perr() {
    double sum = 0;
    for (int n = 1; n < perrHitsByLabelCount.length; n++) {
      sum += (double) perrHitsByLabelCount[n] / n;
    }
    return examples == 0 ? 0 : sum / examples;
  }

  /** Encodes {@link VideoTotals}; class positives as varints (mostly small). */
  static final class Coder extends AtomicCoder<VideoTotals> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(VideoTotals totals, OutputStream out) throws IOException {
      VarInt.encode(totals.examples, out);
      VarInt.encode(totals.hits, out);
      writeLongs(totals.perrHitsByLabelCount, out);
      writeSparse(totals.classPositives, out);
      VarInt.encode(totals.allPositives, out);
    }

    @Override
    public VideoTotals decode(InputStream in) throws IOException {
      long examples = VarInt.decodeLong(in);
      long hits = VarInt.decodeLong(in);
      long[] perr = readLongs(in);
      long[] classPositives = readSparse(in);
      VideoTotals totals = new VideoTotals(classPositives.length);
      totals.examples = examples;
      totals.hits = hits;
      totals.perrHitsByLabelCount = perr;
      totals.classPositives = classPositives;
      totals.allPositives = VarInt.decodeLong(in);
      return totals;
    }

    private static void writeLongs(long[] values, OutputStream out)
        throws IOException {
      VarInt.encode(values.length, out);
      for (long value : values) {
        VarInt.encode(value, out);
      }
    }

    /** Length, then the non-zero entries as (index gap, value): a bundle touches few classes. */
    private static void writeSparse(long[] values, OutputStream out) throws IOException {
      int nonZero = 0;
      for (long value : values) {
        nonZero += value != 0 ? 1 : 0;
      }
      VarInt.encode(values.length, out);
      VarInt.encode(nonZero, out);
      int previous = 0;
      for (int i = 0; i < values.length; i++) {
        if (values[i] != 0) {
          VarInt.encode(i - previous, out);
          VarInt.encode(values[i], out);
          previous = i;
        }
      }
    }

    private static long[] readSparse(InputStream in) throws IOException {
      long[] values = new long[VarInt.decodeInt(in)];
      int nonZero = VarInt.decodeInt(in);
      int index = 0;
      for (int i = 0; i < nonZero; i++) {
        index += VarInt.decodeInt(in);
        values[index] = VarInt.decodeLong(in);
      }
      return values;
    }

    private static long[] readLongs(InputStream in) throws IOException {
      long[] values = new long[VarInt.decodeInt(in)];
      for (int i = 0; i < values.length; i++) {
        values[i] = VarInt.decodeLong(in);
      }
      return values;
    }
  }

}
