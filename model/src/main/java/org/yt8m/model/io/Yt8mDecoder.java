package org.yt8m.model.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Preconditions;
import com.google.common.primitives.ImmutableDoubleArray;
import com.google.common.primitives.ImmutableLongArray;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.Labels;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;

/**
 * The one decoder of YouTube-8M records: serialized {@code tf.train.Example} (video-level) and
 * {@code tf.train.SequenceExample} (frame-level) bytes into {@link VideoRecord} and
 * {@link FrameRecord}, validated against the selected features and the number of classes.
 *
 * <p>It walks the protobuf wire format with {@link CodedInputStream} over the record's bytes:
 * a first pass finds where the wanted map entries ({@code id}/{@code video_id}, {@code labels},
 * the selected features) lie, a second decodes them straight into the record's arrays: floats
 * are bulk-copied from packed fields, frames are copied as bytes, nothing is boxed. Unknown
 * fields and feature keys are skipped (2018 video-level records carry an empty top-level field
 * 2). Any problem is an {@link InvalidRecordException} with a {@link RejectReason} and a message
 * that names the field.
 *
 * <p>Instances keep scratch buffers: use one per thread.
 */
public final class Yt8mDecoder {
  /** The starter code's {@code max_frames}. */
  public static final int DEFAULT_MAX_FRAMES = 300;

  // Map-entry targets, in the order they are decoded (the id first, so later errors name it).
  private static final int ID = 0;
  private static final int VIDEO_ID = 1;
  private static final int LABELS = 2;
  private static final int FIRST_FEATURE = 3;

  private static final int FEATURE_BYTES_LIST = 1;
  private static final int FEATURE_FLOAT_LIST = 2;
  private static final int FEATURE_INT64_LIST = 3;
  private static final String[] KIND_NAMES = {"no list", "a bytes_list", "a float_list",
      "an int64_list"};

  private final FeatureSpec features;
  private final int numClasses;
  private final int maxFrames;
  private final boolean dropOutOfRangeLabels;
  private int droppedLabels;
  private final int[] featureOffsets;
  private final int totalSize;
  /** Keys of the context / Example features map: id, video_id, labels, then the features. */
  private final byte[][] exampleKeys;
  /** Keys of the SequenceExample feature_lists map: the features. */
  private final byte[][] featureListKeys;
  private final byte[][] contextKeys;
  /** Keys of a segment-rated context: id, video_id, labels, then the segment fields. */
  private static final byte[][] SEGMENT_KEYS = {"id".getBytes(UTF_8),
      "video_id".getBytes(UTF_8), "labels".getBytes(UTF_8), "segment_labels".getBytes(UTF_8),
      "segment_start_times".getBytes(UTF_8), "segment_scores".getBytes(UTF_8)};
  private static final int SEGMENT_LABELS = 3;
  private static final int SEGMENT_START_TIMES = 4;
  private static final int SEGMENT_SCORES = 5;

  private final int[] topStarts = new int[2];
  private final int[] topLengths = new int[2];
  private final int[] entryStarts;
  private final int[] entryLengths;
  private final int[][] frameStarts;

  /**
   * @param features the features to take, in concatenation order
   * @param numClasses labels must lie in {@code [0, numClasses)}
   * @param maxFrames frame-level records keep at most this many frames
   */
  public Yt8mDecoder(FeatureSpec features, int numClasses, int maxFrames) {
    this(features, numClasses, maxFrames, false);
  }

  private Yt8mDecoder(FeatureSpec features, int numClasses, int maxFrames,
      boolean dropOutOfRangeLabels) {
    Preconditions.checkArgument(numClasses > 0, "numClasses must be positive: %s", numClasses);
    Preconditions.checkArgument(maxFrames > 0, "maxFrames must be positive: %s", maxFrames);
    this.features = features;
    this.numClasses = numClasses;
    this.maxFrames = maxFrames;
    this.dropOutOfRangeLabels = dropOutOfRangeLabels;
    int count = features.count();
    totalSize = features.totalSize();
    featureOffsets = new int[count];
    for (int i = 1; i < count; i++) {
      featureOffsets[i] = featureOffsets[i - 1] + features.sizes().get(i - 1);
    }
    exampleKeys = new byte[FIRST_FEATURE + count][];
    exampleKeys[ID] = "id".getBytes(UTF_8);
    exampleKeys[VIDEO_ID] = "video_id".getBytes(UTF_8);
    exampleKeys[LABELS] = "labels".getBytes(UTF_8);
    featureListKeys = new byte[count][];
    for (int i = 0; i < count; i++) {
      exampleKeys[FIRST_FEATURE + i] = features.names().get(i).getBytes(UTF_8);
      featureListKeys[i] = exampleKeys[FIRST_FEATURE + i];
    }
    contextKeys = Arrays.copyOf(exampleKeys, FIRST_FEATURE);
    entryStarts = new int[Math.max(exampleKeys.length, SEGMENT_KEYS.length)];
    entryLengths = new int[entryStarts.length];
    frameStarts = new int[count][Math.min(maxFrames, 64)];
  }

  /**
   * A decoder like this one for jobs that do not use labels (inference): a video or frame
   * record with a label outside {@code [0, numClasses)} is decoded without that label instead
   * of being rejected, and {@link #droppedLabels()} says how many it lost. Segment labels are
   * still checked.
   */
  public Yt8mDecoder droppingOutOfRangeLabels() {
    return new Yt8mDecoder(features, numClasses, maxFrames, true);
  }

  /**
   * How many labels outside {@code [0, numClasses)} the last record decoded had, dropped (only
   * a {@link #droppingOutOfRangeLabels} decoder drops them; others reject the record).
   */
  public int droppedLabels() {
    return droppedLabels;
  }

  public FeatureSpec features() {
    return features;
  }

  public int numClasses() {
    return numClasses;
  }

  public int maxFrames() {
    return maxFrames;
  }

  /**
   * Decodes a serialized video-level {@code tf.train.Example} held in {@code data[0, length)}.
   */
  public VideoRecord decodeVideo(byte[] data, int length) throws InvalidRecordException {
    String id = null;
    try {
      locateTopLevelFields(data, length);
      // Field 2 is empty in 2018 video-level records, a SequenceExample's feature_lists else.
      boolean hasFeatureLists = topLengths[1] > 0;
      findEntries(data, topStarts[0], topLengths[0], exampleKeys);
      id = readId(data);
      int[] labels = readLabels(data, id);
      float[] values = new float[totalSize];
      for (int i = 0; i < features.count(); i++) {
        readFloatFeature(data, i, values, id, hasFeatureLists
            ? " (the record has feature lists: is it a frame-level tf.train.SequenceExample?)"
            : "");
      }
      return VideoRecord.of(id, labels, values);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRecordException(RejectReason.MALFORMED, id,
          "not a tf.train.Example: " + describe(e));
    }
  }

  /**
   * Decodes a serialized frame-level {@code tf.train.SequenceExample} held in
   * {@code data[0, length)}, keeping at most {@code maxFrames} frames.
   */
  public FrameRecord decodeFrames(byte[] data, int length) throws InvalidRecordException {
    String id = null;
    try {
      locateTopLevelFields(data, length);
      int listsStart = topStarts[1];
      int listsLength = topLengths[1];
      findEntries(data, topStarts[0], topLengths[0], contextKeys);
      id = readId(data);
      int[] labels = readLabels(data, id);
      findEntries(data, listsStart, listsLength, featureListKeys);
      String hint = listsLength == 0
          ? " (the record has no feature lists: is it a video-level tf.train.Example?)" : "";
      int frames = -1;
      for (int i = 0; i < features.count(); i++) {
        int count = readFrameList(data, i, id, hint);
        if (frames >= 0 && count != frames) {
          throw new InvalidRecordException(RejectReason.FRAME_COUNT_MISMATCH, id,
              features.names().get(0) + " has " + frames + " frames, "
                  + features.names().get(i) + " " + count);
        }
        frames = count;
      }
      if (frames == 0) {
        throw new InvalidRecordException(RejectReason.NO_FRAMES, id,
            features.names().get(0) + " has no frames");
      }
      int kept = Math.min(frames, maxFrames);
      int frameSize = totalSize;
      byte[] quantized = new byte[kept * frameSize];
      for (int i = 0; i < features.count(); i++) {
        int size = features.sizes().get(i);
        int[] starts = frameStarts[i];
        for (int f = 0; f < kept; f++) {
          System.arraycopy(data, starts[f], quantized, f * frameSize + featureOffsets[i], size);
        }
      }
      return FrameRecord.of(id, labels, kept, frameSize, quantized);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRecordException(RejectReason.MALFORMED, id,
          "not a tf.train.SequenceExample: " + describe(e));
    }
  }

  /**
   * Decodes the segment ratings of a serialized segment-rated {@code tf.train.SequenceExample}
   * (2019 validate/test frame shards) held in {@code data[0, length)}: its id, labels and
   * {@code segment_labels} / {@code segment_start_times} / {@code segment_scores}, which must
   * have one value each per rated cell, each score 0 or 1. Frames are not read. Absent segment
   * fields mean no rated cells.
   */
  public SegmentRatings decodeSegmentRatings(byte[] data, int length)
      throws InvalidRecordException {
    String id = null;
    try {
      locateTopLevelFields(data, length);
      findEntries(data, topStarts[0], topLengths[0], SEGMENT_KEYS);
      id = readId(data);
      int[] labels = readLabels(data, id);
      long[] classes = readInt64s(data, SEGMENT_LABELS, id, "segment_labels");
      long[] starts = readInt64s(data, SEGMENT_START_TIMES, id, "segment_start_times");
      float[] scores = readFloats(data, SEGMENT_SCORES, id, "segment_scores");
      if (classes.length != starts.length || classes.length != scores.length) {
        throw new InvalidRecordException(RejectReason.SEGMENT_LISTS_UNEQUAL, id,
            "segment_labels has " + classes.length + " values, segment_start_times "
                + starts.length + ", segment_scores " + scores.length);
      }
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] != 0f && scores[i] != 1f) {
          throw new InvalidRecordException(RejectReason.SEGMENT_SCORE_INVALID, id,
              "segment_scores[" + i + "] is " + scores[i] + ", neither 0 nor 1");
        }
      }
      int[] classIds = new int[classes.length];
      for (int i = 0; i < classes.length; i++) {
        if (classes[i] < 0 || classes[i] >= numClasses) {
          throw new InvalidRecordException(RejectReason.LABEL_OUT_OF_RANGE, id,
              "segment_labels[" + i + "] is " + classes[i] + ", out of range [0, " + numClasses
                  + ")");
        }
        classIds[i] = (int) classes[i];
      }
      return SegmentRatings.of(id, labels, classIds, starts, scores);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRecordException(RejectReason.MALFORMED, id,
          "not a tf.train.SequenceExample: " + describe(e));
    }
  }

  /**
   * Decodes a segment-rated frame-level record: its frames ({@link #decodeFrames}) and its
   * ratings ({@link #decodeSegmentRatings}), checked against each other by {@link RatedVideo}.
   */
  public RatedVideo decodeRatedVideo(byte[] data, int length, int segmentSize)
      throws InvalidRecordException {
    FrameRecord frames = decodeFrames(data, length);
    return RatedVideo.of(frames, decodeSegmentRatings(data, length), segmentSize);
  }

  /**
   * Whether a serialized record has any of the segment fields ({@code segment_labels},
   * {@code segment_start_times}, {@code segment_scores}) in its context, as the 2019
   * segment-rated shards do, whatever their values.
   */
  public boolean hasSegmentFields(byte[] data, int length) throws InvalidRecordException {
    try {
      locateTopLevelFields(data, length);
      findEntries(data, topStarts[0], topLengths[0], SEGMENT_KEYS);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRecordException(RejectReason.MALFORMED, null,
          "not a tf.train.SequenceExample: " + describe(e));
    }
    return entryStarts[SEGMENT_LABELS] >= 0 || entryStarts[SEGMENT_START_TIMES] >= 0
        || entryStarts[SEGMENT_SCORES] >= 0;
  }

  private long[] readInt64s(byte[] data, int target, String id, String what)
      throws IOException, InvalidRecordException {
    ImmutableLongArray.Builder values = ImmutableLongArray.builder();
    forEachValue(data, target, FEATURE_INT64_LIST, WireFormat.WIRETYPE_VARINT, id, what,
        list -> values.add(list.readInt64()));
    return values.build().toArray();
  }

  private float[] readFloats(byte[] data, int target, String id, String what)
      throws IOException, InvalidRecordException {
    ImmutableDoubleArray.Builder values = ImmutableDoubleArray.builder();
    forEachValue(data, target, FEATURE_FLOAT_LIST, WireFormat.WIRETYPE_FIXED32, id, what,
        list -> values.add(list.readFloat()));
    double[] widened = values.build().toArray();
    float[] floats = new float[widened.length];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) widened[i]; // exact: each was a float
    }
    return floats;
  }

  /** Reads one value of a list's element type from the stream. */
  @FunctionalInterface
  private interface ValueReader {
    void read(CodedInputStream list) throws IOException;
  }

  /**
   * Calls {@code reader} for each value of the list of kind {@code kind} at map target
   * {@code target}, packed or not ({@code wireType} is the unpacked encoding); nothing when the
   * entry is absent or holds no list.
   */
  private void forEachValue(byte[] data, int target, int kind, int wireType, String id,
      String what, ValueReader reader) throws IOException, InvalidRecordException {
    if (entryStarts[target] < 0) {
      return;
    }
    CodedInputStream list = openList(data, target, kind, id, what);
    for (int tag = list == null ? 0 : list.readTag(); tag != 0; tag = list.readTag()) {
      if (tag == lengthDelimited(1)) {
        int limit = list.pushLimit(list.readRawVarint32());
        while (list.getBytesUntilLimit() > 0) {
          reader.read(list);
        }
        list.popLimit(limit);
      } else if (tag == tag(1, wireType)) {
        reader.read(list);
      } else {
        list.skipField(tag);
      }
    }
  }

  /**
   * Finds the record's top-level fields 1 and 2 (Example: features, then an unknown field;
   * SequenceExample: context, feature_lists): {@code topStarts}/{@code topLengths}, start -1
   * when absent. Other fields are skipped.
   */
  private void locateTopLevelFields(byte[] data, int length) throws IOException {
    Arrays.fill(topStarts, -1);
    Arrays.fill(topLengths, 0);
    CodedInputStream in = CodedInputStream.newInstance(data, 0, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if ((field == 1 || field == 2) && tag == lengthDelimited(field)) {
        topLengths[field - 1] = in.readRawVarint32();
        topStarts[field - 1] = in.getTotalBytesRead();
        in.skipRawBytes(topLengths[field - 1]);
      } else {
        in.skipField(tag);
      }
    }
  }

  /**
   * Scans a {@code map<string, V>} message in {@code data[start, start + length)} and records,
   * for each of {@code keys}, where its value message lies ({@code entryStarts}/
   * {@code entryLengths}, start -1 when absent). A repeated key keeps the last value, as protobuf
   * maps do.
   */
  private void findEntries(byte[] data, int start, int length, byte[][] keys) throws IOException {
    Arrays.fill(entryStarts, -1);
    Arrays.fill(entryLengths, 0);
    if (start < 0) {
      return;
    }
    CodedInputStream in = CodedInputStream.newInstance(data, start, length);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag != lengthDelimited(1)) {
        in.skipField(tag);
        continue;
      }
      int entryLength = in.readRawVarint32();
      int limit = in.pushLimit(entryLength);
      int keyStart = -1;
      int keyLength = 0;
      int valueStart = -1;
      int valueLength = 0;
      for (int entryTag = in.readTag(); entryTag != 0; entryTag = in.readTag()) {
        if (entryTag == lengthDelimited(1)) {
          keyLength = in.readRawVarint32();
          keyStart = start + in.getTotalBytesRead();
          in.skipRawBytes(keyLength);
        } else if (entryTag == lengthDelimited(2)) {
          valueLength = in.readRawVarint32();
          valueStart = start + in.getTotalBytesRead();
          in.skipRawBytes(valueLength);
        } else {
          in.skipField(entryTag);
        }
      }
      in.popLimit(limit);
      int target = keyStart < 0 ? -1 : match(keys, data, keyStart, keyLength);
      if (target >= 0) {
        // A map entry without a value holds the default (empty) message.
        entryStarts[target] = valueStart < 0 ? start : valueStart;
        entryLengths[target] = valueStart < 0 ? 0 : valueLength;
      }
    }
  }

  private static int match(byte[][] keys, byte[] data, int start, int length) {
    for (int k = 0; k < keys.length; k++) {
      if (Arrays.equals(keys[k], 0, keys[k].length, data, start, start + length)) {
        return k;
      }
    }
    return -1;
  }

  private String readId(byte[] data) throws IOException, InvalidRecordException {
    for (int target : new int[] {ID, VIDEO_ID}) {
      if (entryStarts[target] < 0) {
        continue;
      }
      CodedInputStream list = openList(data, target, FEATURE_BYTES_LIST, null,
          target == ID ? "id" : "video_id");
      if (list == null) {
        continue;
      }
      for (int tag = list.readTag(); tag != 0; tag = list.readTag()) {
        if (tag == lengthDelimited(1)) {
          int length = list.readRawVarint32();
          int start = entryStarts[target] + list.getTotalBytesRead();
          list.skipRawBytes(length); // checks the value lies inside the list
          if (length > 0) {
            return new String(data, start, length, UTF_8);
          }
        } else {
          list.skipField(tag);
        }
      }
    }
    throw new InvalidRecordException(RejectReason.MISSING_ID, null,
        "missing id: neither id nor video_id holds a value");
  }

  private int[] readLabels(byte[] data, String id) throws IOException, InvalidRecordException {
    long[] values = readInt64s(data, LABELS, id, "labels");
    int[] labels = new int[values.length];
    int kept = 0;
    droppedLabels = 0;
    for (long value : values) {
      if (value >= 0 && value < numClasses) {
        labels[kept++] = (int) value;
      } else if (dropOutOfRangeLabels) {
        droppedLabels++;
      } else {
        throw new InvalidRecordException(RejectReason.LABEL_OUT_OF_RANGE, id,
            "label " + value + " out of range [0, " + numClasses + ")");
      }
    }
    return Labels.sortedUnique(labels, kept);
  }

  private void readFloatFeature(byte[] data, int feature, float[] values, String id,
      String missingHint) throws IOException, InvalidRecordException {
    String name = features.names().get(feature);
    int size = features.sizes().get(feature);
    int target = FIRST_FEATURE + feature;
    if (entryStarts[target] < 0) {
      throw new InvalidRecordException(RejectReason.MISSING_FEATURE, id,
          "missing feature " + name + missingHint);
    }
    CodedInputStream list = openList(data, target, FEATURE_FLOAT_LIST, id, "feature " + name);
    int offset = featureOffsets[feature];
    int count = 0;
    if (list != null) {
      for (int tag = list.readTag(); tag != 0; tag = list.readTag()) {
        if (tag == lengthDelimited(1)) {
          int bytes = list.readRawVarint32();
          if (bytes % Float.BYTES != 0) {
            throw new IOException("packed float field of " + bytes + " bytes in " + name);
          }
          int n = bytes / Float.BYTES;
          int take = Math.max(0, Math.min(n, size - count));
          int start = entryStarts[target] + list.getTotalBytesRead();
          list.skipRawBytes(bytes); // checks the field lies inside the record
          ByteBuffer.wrap(data, start, take * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer().get(values, offset + count, take);
          count += n;
        } else if (tag == tag(1, WireFormat.WIRETYPE_FIXED32)) {
          float value = list.readFloat();
          if (count < size) {
            values[offset + count] = value;
          }
          count++;
        } else {
          list.skipField(tag);
        }
      }
    }
    if (count != size) {
      throw new InvalidRecordException(RejectReason.WRONG_SIZE, id,
          "feature " + name + " has " + count + " values, expected " + size);
    }
    for (int i = offset; i < offset + size; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidRecordException(RejectReason.NON_FINITE, id,
            "feature " + name + " has a non-finite value " + values[i] + " at index "
                + (i - offset));
      }
    }
  }

  /**
   * Reads the {@code FeatureList} of feature {@code feature}: checks each frame is one bytes
   * value of the feature's size and remembers where the first {@code maxFrames} lie.
   *
   * @return the number of frames in the record (before truncation)
   */
  private int readFrameList(byte[] data, int feature, String id, String missingHint)
      throws IOException, InvalidRecordException {
    String name = features.names().get(feature);
    int size = features.sizes().get(feature);
    if (entryStarts[feature] < 0) {
      throw new InvalidRecordException(RejectReason.MISSING_FEATURE, id,
          "missing feature " + name + missingHint);
    }
    int listStart = entryStarts[feature];
    CodedInputStream in = CodedInputStream.newInstance(data, listStart, entryLengths[feature]);
    int frames = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag != lengthDelimited(1)) {
        in.skipField(tag);
        continue;
      }
      int limit = in.pushLimit(in.readRawVarint32());
      int kind = 0;
      int values = 0;
      int valueStart = -1;
      int valueLength = 0;
      for (int featureTag = in.readTag(); featureTag != 0; featureTag = in.readTag()) {
        int field = WireFormat.getTagFieldNumber(featureTag);
        if (featureTag != lengthDelimited(field) || field < 1 || field > 3) {
          in.skipField(featureTag);
          continue;
        }
        kind = field;
        int listLimit = in.pushLimit(in.readRawVarint32());
        for (int valueTag = in.readTag(); valueTag != 0; valueTag = in.readTag()) {
          if (kind == FEATURE_BYTES_LIST && valueTag == lengthDelimited(1)) {
            valueLength = in.readRawVarint32();
            valueStart = listStart + in.getTotalBytesRead();
            in.skipRawBytes(valueLength);
            values++;
          } else {
            in.skipField(valueTag);
          }
        }
        in.popLimit(listLimit);
      }
      in.popLimit(limit);
      if (kind != FEATURE_BYTES_LIST) {
        throw new InvalidRecordException(RejectReason.WRONG_KIND, id,
            "frame " + frames + " of " + name + " is " + KIND_NAMES[kind]
                + ", expected a bytes_list");
      }
      if (values != 1) {
        throw new InvalidRecordException(RejectReason.WRONG_SIZE, id,
            "frame " + frames + " of " + name + " has " + values + " values, expected 1");
      }
      if (valueLength != size) {
        throw new InvalidRecordException(RejectReason.WRONG_SIZE, id,
            "frame " + frames + " of " + name + " has " + valueLength + " bytes, expected "
                + size);
      }
      if (frames < maxFrames) {
        if (frames == frameStarts[feature].length) {
          frameStarts[feature] = Arrays.copyOf(frameStarts[feature],
              Math.min(maxFrames, frames * 2));
        }
        frameStarts[feature][frames] = valueStart;
      }
      frames++;
    }
    return frames;
  }

  /**
   * Opens the list inside the {@code Feature} message at map target {@code target}, checking it
   * is of kind {@code expectedKind}.
   *
   * @return a stream over the list's contents, or null when the Feature holds no list at all
   *     (an empty Feature, which reads as a list without values)
   */
  private @Nullable CodedInputStream openList(byte[] data, int target, int expectedKind,
      @Nullable String id, String what) throws IOException, InvalidRecordException {
    int start = entryStarts[target];
    CodedInputStream in = CodedInputStream.newInstance(data, start, entryLengths[target]);
    int listStart = -1;
    int listLength = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (tag == lengthDelimited(field) && field >= 1 && field <= 3) {
        if (field != expectedKind) {
          throw new InvalidRecordException(RejectReason.WRONG_KIND, id,
              what + " is " + KIND_NAMES[field] + ", expected " + KIND_NAMES[expectedKind]);
        }
        listLength = in.readRawVarint32();
        listStart = start + in.getTotalBytesRead();
        in.skipRawBytes(listLength);
      } else {
        in.skipField(tag);
      }
    }
    if (listStart < 0) {
      return null;
    }
    // Offsets reported by the returned stream are relative to the list's start.
    entryStarts[target] = listStart;
    entryLengths[target] = listLength;
    return CodedInputStream.newInstance(data, listStart, listLength);
  }

  /**
   * A wire-format error's message. Bytes that are not protobuf can also break an offset check
   * (a RuntimeException): both mean the record is malformed, never a crash of the job.
   */
  private static String describe(Exception e) {
    return e instanceof IOException ? e.getMessage() : "a length or offset lies outside the "
        + "record (" + e + ")";
  }

  private static int lengthDelimited(int field) {
    return tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }
}
