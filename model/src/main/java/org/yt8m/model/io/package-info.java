/**
 * Bytes in and out: TFRecord framing ({@link org.yt8m.model.io.TfRecordReader},
 * {@link org.yt8m.model.io.TfRecordWriter}) and the one protobuf decoder and encoder of
 * YouTube-8M records ({@link org.yt8m.model.io.Yt8mDecoder}, {@link org.yt8m.model.io.Yt8mEncoder}).
 *
 * <p>The decoder reads the protobuf wire format with {@code CodedInputStream} straight into the
 * record's primitive arrays instead of building generated {@code tf.train.Example} objects:
 * the generated classes allocate a message tree per record and a map entry per feature, which a
 * benchmark here measured at several times the cost (docs/BENCHMARKS.md).
 */
package org.yt8m.model.io;
