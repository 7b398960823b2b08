package org.yt8m.model.io;

import static com.google.common.base.Preconditions.checkArgument;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Serializes records as the YouTube-8M releases do: video-level records as
 * {@code tf.train.Example} with {@code id}, {@code labels} and one {@code float_list} per
 * feature; frame-level records as {@code tf.train.SequenceExample} with {@code id} and
 * {@code labels} in the context and one {@code bytes_list} per frame in each feature list.
 *
 * <p>The output is deterministic (keys in a fixed order, packed repeated fields), so the same
 * records always give the same bytes. Labels are written only when asked: test shards carry no
 * {@code labels} key at all.
 */
public final class Yt8mEncoder {
  private final FeatureSpec features;

  public Yt8mEncoder(FeatureSpec features) {
    this.features = features;
  }

  /**
   * A serialized record of either level: {@link #encodeVideo} for a {@link VideoRecord},
   * {@link #encodeFrames} for a {@link FrameRecord}; for code that handles both alike.
   *
   * @throws IllegalArgumentException for any other kind of record (segment ratings keep no
   *     features, so there is nothing to write)
   */
  public byte[] encode(Yt8mRecord record, boolean withLabels) {
    if (record instanceof VideoRecord video) {
      return encodeVideo(video, withLabels);
    }
    if (record instanceof FrameRecord frames) {
      return encodeFrames(frames, withLabels);
    }
    throw new IllegalArgumentException("record " + record.id() + " is a "
        + record.getClass().getSimpleName() + ", which has no features to encode");
  }

  /** A serialized {@code tf.train.Example} of {@code record}. */
  public byte[] encodeVideo(VideoRecord record, boolean withLabels) {
    checkArgument(record.features().length == features.totalSize(),
        "record %s has %s feature values, the spec %s", record.id(), record.features().length,
        features.totalSize());
    Message featureMap = new Message();
    addContext(featureMap, record.id(), withLabels ? record.labels() : null);
    int offset = 0;
    for (int i = 0; i < features.count(); i++) {
      int size = features.sizes().get(i);
      Message packed = new Message();
      packed.packedFloats(1, record.features(), offset, size);
      mapEntry(featureMap, features.names().get(i), new Message().message(2, packed));
      offset += size;
    }
    return new Message().message(1, featureMap).toByteArray();
  }

  /** A serialized {@code tf.train.SequenceExample} of {@code record}. */
  public byte[] encodeFrames(FrameRecord record, boolean withLabels) {
    return encodeFrames(record, withLabels, null);
  }

  /**
   * A serialized 2019 segment-rated {@code tf.train.SequenceExample} of {@code video}: its
   * frames, and in the context {@code segment_labels}, {@code segment_start_times} and
   * {@code segment_scores} after {@code id} and {@code labels}. Without labels (a test split)
   * the ratings are left out too, as the real test shards leave them.
   */
  public byte[] encodeRatedVideo(RatedVideo video, boolean withLabels) {
    return encodeFrames(video.frames(), withLabels, withLabels ? video.ratings() : null);
  }

  private byte[] encodeFrames(FrameRecord record, boolean withLabels,
      SegmentRatings ratings) {
    checkArgument(record.frameSize() == features.totalSize(),
        "record %s has frames of %s values, the spec %s", record.id(), record.frameSize(),
        features.totalSize());
    Message context = new Message();
    addContext(context, record.id(), withLabels ? record.labels() : null);
    if (ratings != null) {
      int[] classes = new int[ratings.size()];
      long[] starts = new long[ratings.size()];
      float[] scores = new float[ratings.size()];
      for (int i = 0; i < ratings.size(); i++) {
        classes[i] = ratings.segmentClass(i);
        starts[i] = ratings.startTime(i);
        scores[i] = ratings.score(i);
      }
      mapEntry(context, "segment_labels", new Message().message(3,
          new Message().packedInts(1, classes)));
      mapEntry(context, "segment_start_times", new Message().message(3,
          new Message().packedLongs(1, starts)));
      mapEntry(context, "segment_scores", new Message().message(2,
          new Message().packedFloats(1, scores, 0, scores.length)));
    }
    Message featureLists = new Message();
    int offset = 0;
    for (int i = 0; i < features.count(); i++) {
      int size = features.sizes().get(i);
      Message frames = new Message();
      for (int f = 0; f < record.numFrames(); f++) {
        Message bytesList = new Message()
            .bytes(1, record.quantizedFrames(), f * record.frameSize() + offset, size);
        frames.message(1, new Message().message(1, bytesList));
      }
      mapEntry(featureLists, features.names().get(i), frames);
      offset += size;
    }
    return new Message().message(1, context).message(2, featureLists).toByteArray();
  }

  private static void addContext(Message featureMap, String id, int[] labels) {
    byte[] idBytes = id.getBytes(UTF_8);
    Message idList = new Message().bytes(1, idBytes, 0, idBytes.length);
    mapEntry(featureMap, "id", new Message().message(1, idList));
    if (labels != null) {
      Message labelList = new Message().packedInts(1, labels);
      mapEntry(featureMap, "labels", new Message().message(3, labelList));
    }
  }

  private static void mapEntry(Message map, String key, Message value) {
    byte[] keyBytes = key.getBytes(UTF_8);
    map.message(1, new Message().bytes(1, keyBytes, 0, keyBytes.length).message(2, value));
  }

  /** A protobuf message under construction: fields appended in call order. */
  private static final class Message {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);

    Message bytes(int field, byte[] value, int offset, int length) {
      try {
        out.writeByteArray(field, value, offset, length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message packedFloats(int field, float[] values, int offset, int length) {
      try {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(length * Float.BYTES);
        for (int i = offset; i < offset + length; i++) {
          out.writeFloatNoTag(values[i]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message packedInts(int field, int[] values) {
      return packedLongs(field, Arrays.stream(values).asLongStream().toArray());
    }

    Message packedLongs(int field, long[] values) {
      try {
        int size = 0;
        for (long value : values) {
          size += CodedOutputStream.computeInt64SizeNoTag(value);
        }
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        for (long value : values) {
          out.writeInt64NoTag(value);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Message message(int field, Message value) {
      byte[] body = value.toByteArray();
      return bytes(field, body, 0, body.length);
    }

    byte[] toByteArray() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }
}
