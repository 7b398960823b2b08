package org.yt8m.pipelines.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.TfRecordWriter;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.synthetic.SyntheticVideos;

/**
 * {@code scripts/bench parse}: video-level records decoded per second on one thread, by our
 * decoder and by TensorFlow's generated {@code Example} classes (the alternative the decoder
 * replaces), on the same synthetic records in one run; plus TFRecord framing with CRC checks.
 */
public final class ParseBenchmark {
  private ParseBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = 50_000;
    double seconds = 5;
    for (String arg : args) {
      if (arg.startsWith("--records=")) {
        records = Integer.parseInt(arg.substring("--records=".length()));
      } else if (arg.startsWith("--seconds=")) {
        seconds = Double.parseDouble(arg.substring("--seconds=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg
            + " (known: --records=N --seconds=S)");
      }
    }
    FeatureSpec spec = FeatureSpec.VIDEO_DEFAULT;
    List<byte[]> serialized = syntheticRecords(spec, records);
    byte[] shard = framed(serialized);
    System.out.printf(Locale.ROOT, "%,d video-level records of %,d bytes, one thread, %.0f s "
        + "per measurement after as long a warm-up%n%n", records, serialized.get(0).length,
        seconds);

    Yt8mDecoder decoder = new Yt8mDecoder(spec, 3862, 300);
    double ours = rate(seconds, records, () -> decodeAll(decoder, serialized));
    double generated = rate(seconds, records, () -> parseWithGeneratedClasses(serialized));
    double framedOurs = rate(seconds, records, () -> readShard(decoder, shard));

    int frameRecords = Math.max(1, records / 100);
    List<byte[]> frameLevel = syntheticFrames(frameRecords);
    Yt8mDecoder frameDecoder = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 3862, 300);
    double frames = rate(seconds, frameRecords, () -> decodeFrames(frameDecoder, frameLevel));

    System.out.printf(Locale.ROOT, "%-52s %12s %8s%n", "", "records/s", "ratio");
    row("Yt8mDecoder (ours)", ours, ours);
    row("TensorFlow's generated Example classes + copy", generated, ours);
    row("TfRecordReader (CRC-checked framing) + Yt8mDecoder", framedOurs, ours);
    System.out.printf(Locale.ROOT, "%nframe-level: %,d SequenceExamples of 10 to 330 frames "
        + "(%,d bytes on average), kept quantized, truncated to 300%n", frameRecords,
        frameLevel.stream().mapToLong(r -> r.length).sum() / frameRecords);
    System.out.printf(Locale.ROOT, "%-52s %,12.0f%n", "Yt8mDecoder.decodeFrames", frames);
  }

  private static void row(String name, double rate, double reference) {
    System.out.printf(Locale.ROOT, "%-52s %,12.0f %7.2fx%n", name, rate, rate / reference);
  }

  /** Records per second of {@code pass} (which handles {@code records} records). */
  private static double rate(double seconds, int records, ThrowingPass pass) throws Exception {
    long warmUpEnd = System.nanoTime() + (long) (seconds * 1e9);
    long sink = 0;
    while (System.nanoTime() < warmUpEnd) {
      sink += pass.run();
    }
    long passes = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      sink += pass.run();
      passes++;
      now = System.nanoTime();
    } while (now < end);
    if (sink == 42) {
      System.out.print(""); // keeps the work observable to the JIT
    }
    return passes * (double) records / ((now - start) / 1e9);
  }

  @FunctionalInterface
  private interface ThrowingPass {
    long run() throws Exception;
  }

  private static long decodeAll(Yt8mDecoder decoder, List<byte[]> records) throws Exception {
    long sum = 0;
    for (byte[] record : records) {
      VideoRecord video = decoder.decodeVideo(record, record.length);
      sum += video.labels().length + Float.floatToRawIntBits(video.features()[7]);
    }
    return sum;
  }

  private static long parseWithGeneratedClasses(List<byte[]> records) throws IOException {
    long sum = 0;
    for (byte[] record : records) {
      Example example = Example.parseFrom(record);
      var features = example.getFeatures().getFeatureMap();
      String id = features.get("id").getBytesList().getValue(0).toStringUtf8();
      Int64List labels = features.get("labels").getInt64List();
      int[] labelArray = new int[labels.getValueCount()];
      for (int i = 0; i < labelArray.length; i++) {
        labelArray[i] = (int) labels.getValue(i);
      }
      float[] values = new float[1152];
      int offset = 0;
      for (String name : List.of("mean_rgb", "mean_audio")) {
        Feature feature = features.get(name);
        FloatList list = feature.getFloatList();
        for (int i = 0; i < list.getValueCount(); i++) {
          values[offset + i] = list.getValue(i);
        }
        offset += list.getValueCount();
      }
      sum += id.length() + labelArray.length + Float.floatToRawIntBits(values[7]);
    }
    return sum;
  }

  private static long readShard(Yt8mDecoder decoder, byte[] shard) throws Exception {
    long sum = 0;
    try (TfRecordReader reader = new TfRecordReader("bench",
        new ByteArrayInputStream(shard))) {
      while (reader.next()) {
        VideoRecord video = decoder.decodeVideo(reader.buffer(), reader.length());
        sum += video.labels().length + Float.floatToRawIntBits(video.features()[7]);
      }
    }
    return sum;
  }

  private static long decodeFrames(Yt8mDecoder decoder, List<byte[]> records)
      throws Exception {
    long sum = 0;
    for (byte[] record : records) {
      sum += decoder.decodeFrames(record, record.length).numFrames();
    }
    return sum;
  }

  private static List<byte[]> syntheticFrames(int count) {
    SyntheticVideos videos = SyntheticVideos.of(1, 3862, FeatureSpec.FRAME_DEFAULT);
    Yt8mEncoder encoder = new Yt8mEncoder(FeatureSpec.FRAME_DEFAULT);
    SplittableRandom random = new SplittableRandom(1);
    List<byte[]> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(encoder.encodeFrames(videos.frames("f" + i, random, 10, 330), true));
    }
    return records;
  }

  private static List<byte[]> syntheticRecords(FeatureSpec spec, int count) {
    SyntheticVideos videos = SyntheticVideos.of(1, 3862, spec);
    Yt8mEncoder encoder = new Yt8mEncoder(spec);
    SplittableRandom random = new SplittableRandom(1);
    List<byte[]> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(encoder.encodeVideo(videos.video("v" + i, random), true));
    }
    return records;
  }

  private static byte[] framed(List<byte[]> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TfRecordWriter writer = new TfRecordWriter(out)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    return out.toByteArray();
  }
}
