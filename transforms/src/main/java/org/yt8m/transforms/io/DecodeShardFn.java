package org.yt8m.transforms.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.yt8m.model.io.CorruptRecordException;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.InvalidRecordException;
import org.yt8m.model.record.RejectReason;
import org.yt8m.model.record.Yt8mRecord;

/**
 * Reads one shard's TFRecords and decodes each: valid records to the main output as its
 * {@link ShardOutput} says, invalid ones to the dead letters, counted as {@code records_read}
 * and {@code invalid_<reason>} in the {@code Yt8mIO} namespace, and each shard read whole as
 * {@code shards_read} and its size as {@code bytes_read} ({@link ReadProgress}). Broken framing fails the bundle
 * with an error naming the file and the record; so does a file that is not a regular file,
 * before it is opened. For jobs that do not use labels, a record with labels outside the
 * classes can be kept without them, counted as {@code records_with_unknown_labels}.
 */
final class DecodeShardFn<T extends Yt8mRecord, OutputT>
    extends DoFn<FileIO.ReadableFile, OutputT> {
  private static final long serialVersionUID = 1L;
  private static final int READ_BUFFER_BYTES = 1 << 20;
  private static final Logger LOG = Logger.getLogger(DecodeShardFn.class.getName());

  private final RecordFormat<T> format;
  private final FeatureSpec features;
  private final int numClasses;
  private final int maxFrames;
  private final boolean ignoreUnknownLabels;
  private final ShardOutput<? super T, OutputT> output;
  private final TupleTag<OutputT> recordsTag;
  private final TupleTag<DeadLetter> deadLettersTag;

  private final Counter recordsRead = Metrics.counter(Yt8mIO.class, "records_read");
  private final Counter shardsRead = Metrics.counter(Yt8mIO.class, "shards_read");
  private final Counter bytesRead = Metrics.counter(Yt8mIO.class, ReadProgress.BYTES_READ);
  private final Counter unknownLabels = Metrics.counter(Yt8mIO.class,
      "records_with_unknown_labels");
  private transient Map<RejectReason, Counter> invalid;
  private transient Yt8mDecoder decoder;
  private transient boolean unknownLabelsLogged;

  DecodeShardFn(RecordFormat<T> format, FeatureSpec features, int numClasses, int maxFrames,
      boolean ignoreUnknownLabels, ShardOutput<? super T, OutputT> output,
      TupleTag<OutputT> recordsTag, TupleTag<DeadLetter> deadLettersTag) {
    this.format = format;
    this.features = features;
    this.numClasses = numClasses;
    this.maxFrames = maxFrames;
    this.ignoreUnknownLabels = ignoreUnknownLabels;
    this.output = output;
    this.recordsTag = recordsTag;
    this.deadLettersTag = deadLettersTag;
  }

  @Setup
  public void setup() {
    Yt8mDecoder checking = new Yt8mDecoder(features, numClasses, maxFrames);
    decoder = ignoreUnknownLabels ? checking.droppingOutOfRangeLabels() : checking;
    invalid = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      invalid.put(reason, Metrics.counter(Yt8mIO.class, "invalid_" + reason.code()));
    }
  }

  @Teardown
  public void teardown() {
    output.teardown();
  }

  @ProcessElement
  public void process(@Element FileIO.ReadableFile shard, MultiOutputReceiver out)
      throws Exception {
    String file = shard.getMetadata().resourceId().toString();
    RegularFiles.require(shard.getMetadata().resourceId());
    InputStream stream = new BufferedInputStream(Channels.newInputStream(shard.open()),
        READ_BUFFER_BYTES);
    OutputReceiver<OutputT> recordsOut = out.get(recordsTag);
    ShardOutput.Sink<? super T> records = output.open(recordsOut::output);
    OutputReceiver<DeadLetter> deadLetters = out.get(deadLettersTag);
    try (TfRecordReader reader = new TfRecordReader(file, stream)) {
      while (reader.next()) {
        try {
          T record = format.decode(decoder, reader.buffer(), reader.length());
          if (decoder.droppedLabels() > 0) {
            countUnknownLabels(file, reader.recordIndex(), record.id());
          }
          records.add(record);
        } catch (InvalidRecordException e) {
          invalid.get(e.reason()).inc();
          deadLetters.output(DeadLetter.ofRecord(file, reader.recordIndex(), e.recordId(),
              e.reason().code(), e.getMessage()));
        }
        recordsRead.inc();
      }
    } catch (CorruptRecordException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    records.close();
    shardsRead.inc();
    bytesRead.inc(shard.getMetadata().sizeBytes());
  }

  private void countUnknownLabels(String file, long index, String id) {
    unknownLabels.inc();
    if (!unknownLabelsLogged) {
      unknownLabelsLogged = true;
      LOG.warning(file + " record " + index + " (id " + id + ") has labels outside [0, "
          + numClasses + "): kept without them, as labels are not used here (further such "
          + "records are only counted, as records_with_unknown_labels)");
    }
  }
}
