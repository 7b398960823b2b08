package org.yt8m.transforms.eval;

import static com.google.common.base.Preconditions.checkNotNull;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.coders.IntArrays;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * Reads shards as each record's labels keyed by its video id, what {@link JoinAndEvaluate}
 * joins on, with the read's dead letters:
 *
 * <pre>{@code
 * ReadResult<KV<String, int[]>> labels = pipeline.apply("ReadLabels",
 *     KeyLabels.of(Yt8mIO.readVideos(pattern)));
 * }</pre>
 *
 * <p>The id and labels are taken inside the read ({@link Yt8mIO.Read#mapped}): the features,
 * some 5 KB of a video-level record and far more of a frame-level one, never become elements,
 * so a runner that holds a step's output until its bundle ends (the DirectRunner) holds some
 * 100 bytes per video instead of the whole records.
 */
public final class KeyLabels<T extends Yt8mRecord>
    extends PTransform<PBegin, ReadResult<KV<String, int[]>>> {
  private static final long serialVersionUID = 1L;

  private final Yt8mIO.Read<T> read;

  private KeyLabels(Yt8mIO.Read<T> read) {
    this.read = read;
  }

  /** The labels by video id of the records that {@code read} reads. */
  public static <T extends Yt8mRecord> KeyLabels<T> of(Yt8mIO.Read<T> read) {
    return new KeyLabels<>(read);
  }

  @Override
  public ReadResult<KV<String, int[]>> expand(PBegin input) {
    checkNotNull(read, "no read given");
    return input.apply("ReadShards", read.mapped(
        (T record) -> KV.of(record.id(), record.labels()),
        KvCoder.of(StringUtf8Coder.of(), IntArrays.sortedCoder())));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.include("read", read);
  }
}
