package org.yt8m.model.io;

import com.google.protobuf.ByteString;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FeatureList;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Test records built with TensorFlow's own generated protobuf classes: an encoder independent of
 * ours, so decoder tests do not only check our encoder against itself.
 */
final class Examples {
  private Examples() {}

  static Feature bytes(String... values) {
    BytesList.Builder list = BytesList.newBuilder();
    for (String value : values) {
      list.addValue(ByteString.copyFromUtf8(value));
    }
    return Feature.newBuilder().setBytesList(list).build();
  }

  static Feature bytes(byte[] value) {
    return Feature.newBuilder()
        .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(value))).build();
  }

  static Feature floats(float... values) {
    FloatList.Builder list = FloatList.newBuilder();
    for (float value : values) {
      list.addValue(value);
    }
    return Feature.newBuilder().setFloatList(list).build();
  }

  static Feature int64s(long... values) {
    Int64List.Builder list = Int64List.newBuilder();
    for (long value : values) {
      list.addValue(value);
    }
    return Feature.newBuilder().setInt64List(list).build();
  }

  /** {@code count} floats {@code start, start + 1, …}. */
  static Feature floatRange(int start, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (start + i) / 1000f;
    }
    return floats(values);
  }

  /** A feature list of {@code frames} frames of {@code size} bytes, frame f filled with f. */
  static FeatureList frames(int frames, int size) {
    FeatureList.Builder list = FeatureList.newBuilder();
    for (int f = 0; f < frames; f++) {
      byte[] frame = new byte[size];
      java.util.Arrays.fill(frame, (byte) f);
      list.addFeature(bytes(frame));
    }
    return list.build();
  }
}
