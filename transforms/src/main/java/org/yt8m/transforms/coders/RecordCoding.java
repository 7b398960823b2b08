package org.yt8m.transforms.coders;

import com.google.common.base.Utf8;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** The pieces the record coders share: ids, label arrays, float arrays. */
final class RecordCoding {
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  private RecordCoding() {}

  static void writeId(String id, OutputStream out) throws IOException {
    STRING.encode(id, out);
  }

  static String readId(InputStream in) throws IOException {
    return STRING.decode(in);
  }

  /**
   * The encoded size of an id and labels as written here: what runners ask to size elements
   * without encoding them (each coder adds its payload).
   */
  static long encodedSize(String id, int[] labels) {
    int idBytes = Utf8.encodedLength(id);
    long size = VarInt.getLength(idBytes) + idBytes + VarInt.getLength(labels.length);
    int previous = 0;
    for (int label : labels) {
      size += VarInt.getLength(label - previous);
      previous = label;
    }
    return size;
  }

  static void writeLabels(int[] labels, OutputStream out) throws IOException {
    IntArrays.writeSorted(labels, out);
  }

  static int[] readLabels(InputStream in) throws IOException {
    return IntArrays.readSorted(in);
  }

  static void writeFloats(float[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    out.write(bytes.array());
  }

  static float[] readFloats(InputStream in) throws IOException {
    float[] values = new float[VarInt.decodeInt(in)];
    byte[] bytes = readBytes(in, values.length * Float.BYTES);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  static void writeBytes(byte[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    out.write(values);
  }

  static byte[] readBytes(InputStream in) throws IOException {
    return readBytes(in, VarInt.decodeInt(in));
  }

  private static byte[] readBytes(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    return bytes;
  }

}
