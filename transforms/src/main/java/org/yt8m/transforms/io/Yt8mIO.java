package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.ProcessFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.SerializableSupplier;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.FrameRecord;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.record.SegmentRatings;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.coders.DeadLetterCoder;

/**
 * Reads YouTube-8M TFRecord shards into typed records, with a dead-letter output for records
 * that are not valid YouTube-8M data.
 *
 * <pre>{@code
 * ReadResult<VideoRecord> videos = pipeline.apply("ReadVideos",
 *     Yt8mIO.readVideos("gs://bucket/train*.tfrecord").withNumClasses(3862));
 * videos.records() ...
 * videos.deadLetters() ...
 * }</pre>
 *
 * <p>Each matched file is read whole by one worker, as Beam's {@code TFRecordIO} does (TFRecord
 * files cannot be split), but here with the record's file and index at hand: a dead letter says
 * which file, which record and why, and a shard whose framing is corrupt fails the job with an
 * error naming the file and the record's byte offset (TFRecordIO's error names neither).
 * Compression is detected from the file name by default ({@code .gz} is GZIP). A pattern that
 * matches no file fails the job, and so does one that matches a FIFO, a device or a socket,
 * naming it ({@link RegularFiles}). Shards of a set that {@code prepare} or {@code generate}
 * committed are checked against its manifest (names, sizes, completeness: {@link CheckSets}
 * without a second read for checksums, since every record carries its CRC), and the manifests
 * themselves are left out when the pattern matches them ({@code dir/*}), and so is a
 * {@code vocabulary.csv} ({@link LeaveOutVocabulary}).
 */
public final class Yt8mIO {
  private Yt8mIO() {}

  /** Reads video-level {@code tf.train.Example} shards matching {@code filepattern}. */
  public static Read<VideoRecord> readVideos(String filepattern) {
    return new Read<>(RecordFormat.VIDEO, filepattern, RecordFormat.VIDEO.defaultFeatures(),
        3862, Yt8mDecoder.DEFAULT_MAX_FRAMES, Compression.AUTO, false, 0);
  }

  /** Reads frame-level {@code tf.train.SequenceExample} shards matching {@code filepattern}. */
  public static Read<FrameRecord> readFrames(String filepattern) {
    return new Read<>(RecordFormat.FRAMES, filepattern, RecordFormat.FRAMES.defaultFeatures(),
        3862, Yt8mDecoder.DEFAULT_MAX_FRAMES, Compression.AUTO, false, 0);
  }

  /**
   * Reads the rated segments of 2019 segment-rated frame-level shards matching
   * {@code filepattern} (segment labels are vocabulary ids, 3862 by default; frames are not
   * read).
   */
  public static Read<SegmentRatings> readSegmentRatings(String filepattern) {
    return new Read<>(RecordFormat.SEGMENT_RATINGS, filepattern,
        RecordFormat.SEGMENT_RATINGS.defaultFeatures(), 3862, Yt8mDecoder.DEFAULT_MAX_FRAMES,
        Compression.AUTO, false, 0);
  }

  /**
   * Reads 2019 segment-rated frame-level shards matching {@code filepattern} as
   * {@link RatedVideo}s: frames and ratings, a video whose ratings break the rules of segments
   * of {@code segmentSize} frames a dead letter with its reason.
   */
  public static Read<RatedVideo> readRatedVideos(String filepattern, int segmentSize) {
    RecordFormat<RatedVideo> format = RecordFormat.ratedVideos(segmentSize);
    return new Read<>(format, filepattern, format.defaultFeatures(), 3862,
        Yt8mDecoder.DEFAULT_MAX_FRAMES, Compression.AUTO, false, 0);
  }

  /** The read transform; immutable, configured by its {@code withX} methods. */
  public static final class Read<T extends Yt8mRecord> extends PTransform<PBegin, ReadResult<T>> {
    private static final long serialVersionUID = 1L;

    private final RecordFormat<T> format;
    private final String filepattern;
    private final FeatureSpec features;
    private final int numClasses;
    private final int maxFrames;
    private final Compression compression;
    private final boolean ignoreUnknownLabels;
    private final int shardGroups;

    private Read(RecordFormat<T> format, String filepattern, FeatureSpec features,
        int numClasses, int maxFrames, Compression compression, boolean ignoreUnknownLabels,
        int shardGroups) {
      this.format = format;
      this.filepattern = filepattern;
      this.features = features;
      this.numClasses = numClasses;
      this.maxFrames = maxFrames;
      this.compression = compression;
      this.ignoreUnknownLabels = ignoreUnknownLabels;
      this.shardGroups = shardGroups;
    }

    /** The features to take, in concatenation order (default: the 2018 readers'). */
    public Read<T> withFeatures(FeatureSpec features) {
      return new Read<>(format, filepattern, requireNonNull(features), numClasses, maxFrames,
          compression, ignoreUnknownLabels, shardGroups);
    }

    /** Labels must lie in {@code [0, numClasses)} (default 3862, the 2018 vocabulary). */
    public Read<T> withNumClasses(int numClasses) {
      return new Read<>(format, filepattern, features, numClasses, maxFrames, compression,
          ignoreUnknownLabels, shardGroups);
    }

    /** Frame-level records keep at most this many frames (default 300). */
    public Read<T> withMaxFrames(int maxFrames) {
      return new Read<>(format, filepattern, features, numClasses, maxFrames, compression,
          ignoreUnknownLabels, shardGroups);
    }

    /** The shards' compression (default AUTO: by file extension). */
    public Read<T> withCompression(Compression compression) {
      return new Read<>(format, filepattern, features, numClasses, maxFrames,
          requireNonNull(compression), ignoreUnknownLabels, shardGroups);
    }

    /**
     * For jobs that do not use labels (inference): a video or frame record with labels outside
     * {@code [0, numClasses)} is kept without those labels, counted as
     * {@code records_with_unknown_labels} and logged once per worker, instead of being a
     * {@code label_out_of_range} dead letter.
     */
    public Read<T> withUnknownLabelsIgnored() {
      return new Read<>(format, filepattern, features, numClasses, maxFrames, compression,
          true, shardGroups);
    }

    /**
     * Reads the shards in {@code groups} groups by a hash of their path, each group's shards one
     * after another in one bundle (default 0: each shard on its own). For a
     * {@linkplain #mapped mapped} or {@linkplain #accumulatedPerShard accumulated} read on the
     * DirectRunner, whose groupings copy a key's values each time another bundle adds to it: a
     * few bundles instead of one per shard keep a later grouping's cost linear in the input.
     * Elsewhere it limits the read's parallelism to the groups.
     */
    public Read<T> withShardGroups(int groups) {
      return new Read<>(format, filepattern, features, numClasses, maxFrames, compression,
          ignoreUnknownLabels, groups);
    }

    /**
     * This read, but outputting {@code fn} of each valid record instead of the record (e.g. its
     * id and labels), computed inside the read: where a pipeline needs a little of each record,
     * the whole decoded records never become a collection.
     */
    public <OutputT> ReadAs<T, OutputT> mapped(ProcessFunction<? super T, OutputT> fn,
        Coder<OutputT> coder) {
      return new ReadAs<>(this, ShardOutput.mapped(requireNonNull(fn), requireNonNull(coder)));
    }

    /**
     * This read, but outputting one accumulator per shard, from {@code empty}, that the shard's
     * valid records are added to inside the read: a combine's partial step taken before any
     * record becomes an element, so that what leaves the read is a few accumulators whatever
     * the number of records (the dead letters are output as before).
     */
    public <A extends Accumulator<? super T, A, ?>> ReadAs<T, A> accumulatedPerShard(
        SerializableSupplier<A> empty, Coder<A> coder) {
      return new ReadAs<>(this, ShardOutput.accumulated(requireNonNull(empty),
          requireNonNull(coder)));
    }

    /**
     * This read, but outputting what {@code output} makes of each shard's valid records inside
     * the read (e.g. their scores): the general form of {@link #mapped} and
     * {@link #accumulatedPerShard}, for work that needs state across a shard's records.
     */
    public <OutputT> ReadAs<T, OutputT> through(ShardOutput<? super T, OutputT> output) {
      return new ReadAs<>(this, requireNonNull(output));
    }

    @Override
    public ReadResult<T> expand(PBegin input) {
      return read(input, ShardOutput.records(format.coder()));
    }

    private <OutputT> ReadResult<OutputT> read(PBegin input,
        ShardOutput<? super T, OutputT> output) {
      checkArgument(filepattern != null && !filepattern.isEmpty(), "no file pattern given");
      checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
      checkArgument(maxFrames > 0, "maxFrames must be positive, got %s", maxFrames);
      checkArgument(shardGroups >= 0, "shardGroups must not be negative, got %s", shardGroups);
      TupleTag<OutputT> recordsTag = new TupleTag<>() {};
      TupleTag<DeadLetter> deadLettersTag = new TupleTag<>() {};
      PCollection<MatchResult.Metadata> shards = input
          .apply("MatchShards", FileIO.match().filepattern(filepattern)
              .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
          .apply("CheckSets", CheckSets.create().withoutChecksums())
          .apply("LeaveOutVocabulary", LeaveOutVocabulary.create());
      shards.apply("CountShards", ReadProgress.countMatched());
      if (shardGroups > 0) {
        shards = shards.apply("GroupShards", new GroupShards(shardGroups));
      }
      PCollectionTuple outputs = shards
          .apply("OpenShards", FileIO.readMatches().withCompression(compression)
              .withDirectoryTreatment(FileIO.ReadMatches.DirectoryTreatment.PROHIBIT))
          .apply("DecodeRecords", ParDo
              .of(new DecodeShardFn<>(format, features, numClasses, maxFrames,
                  ignoreUnknownLabels, output, recordsTag, deadLettersTag))
              .withOutputTags(recordsTag, TupleTagList.of(deadLettersTag)));
      return ReadResult.of(input.getPipeline(), recordsTag,
          outputs.get(recordsTag).setCoder(output.coder()), deadLettersTag,
          outputs.get(deadLettersTag).setCoder(DeadLetterCoder.of()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("filePattern", filepattern).withLabel("Input file pattern"))
          .add(DisplayData.item("format", format.toString()).withLabel("Record level"))
          .add(DisplayData.item("featureNames", features.namesFlag())
              .withLabel("Feature names"))
          .add(DisplayData.item("featureSizes", features.sizesFlag())
              .withLabel("Feature sizes"))
          .add(DisplayData.item("numClasses", numClasses).withLabel("Number of classes"))
          .add(DisplayData.item("maxFrames", maxFrames).withLabel("Max frames kept"))
          .add(DisplayData.item("compression", compression.toString())
              .withLabel("Compression"))
          .add(DisplayData.item("ignoreUnknownLabels", ignoreUnknownLabels)
              .withLabel("Keep records with unknown labels"))
          .add(DisplayData.item("shardGroups", shardGroups).withLabel("Shard groups"));
    }
  }

  /**
   * A {@link Read} whose valid records are turned into something smaller inside the read
   * ({@link Read#mapped}, {@link Read#accumulatedPerShard}).
   */
  public static final class ReadAs<T extends Yt8mRecord, OutputT>
      extends PTransform<PBegin, ReadResult<OutputT>> {
    private static final long serialVersionUID = 1L;

    private final Read<T> read;
    private final ShardOutput<? super T, OutputT> output;

    private ReadAs(Read<T> read, ShardOutput<? super T, OutputT> output) {
      this.read = read;
      this.output = output;
    }

    @Override
    public ReadResult<OutputT> expand(PBegin input) {
      return read.read(input, output);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.include("read", read);
    }
  }
}
