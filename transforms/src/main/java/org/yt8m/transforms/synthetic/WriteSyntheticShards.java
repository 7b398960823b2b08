package org.yt8m.transforms.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.synthetic.SyntheticVideos.FrameLabels;
import org.yt8m.transforms.io.CommitFileSet;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.StagedFile;

/**
 * Writes a synthetic YouTube-8M split ({@link SyntheticShards}) to a directory, one shard per
 * element so shards are written in parallel; outputs the paths written, once they are all in
 * place. Each shard depends only on the seed and its index, so reruns and any runner write the
 * same bytes.
 *
 * <p>The split's shards are one {@link FileSet}, committed whole with the manifest
 * {@code manifest-SPLIT.json} written last (a name the split's glob {@code SPLIT*} does not
 * match): the generator's flags, then every shard with its size and CRC32C. A rerun with fewer
 * shards, or the other compression, removes the shards of the split it no longer writes.
 *
 * <pre>{@code
 * pipeline.apply("Generate", WriteSyntheticShards.to("/tmp/yt8m")
 *     .withShards(new SyntheticShards("train", 1000, 4, false, 10, 330)).withSeed(1));
 * }</pre>
 */
public final class WriteSyntheticShards extends PTransform<PBegin, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final String outputDir;
  private final SyntheticShards shards;
  private final long seed;
  private final int numClasses;
  private final Compression compression;
  private final FrameLabels frameLabels;

  private WriteSyntheticShards(String outputDir, SyntheticShards shards, long seed,
      int numClasses, Compression compression, FrameLabels frameLabels) {
    this.outputDir = outputDir;
    this.shards = shards;
    this.seed = seed;
    this.numClasses = numClasses;
    this.compression = compression;
    this.frameLabels = frameLabels;
  }

  /** Writes into {@code outputDir} (a local path or any Beam file system's, e.g. gs://). */
  public static WriteSyntheticShards to(String outputDir) {
    return new WriteSyntheticShards(outputDir,
        new SyntheticShards("train", 1000, 4, false, SyntheticShards.DEFAULT_MIN_FRAMES,
            SyntheticShards.DEFAULT_MAX_FRAMES), 1, 3862, Compression.UNCOMPRESSED,
        FrameLabels.MEAN);
  }

  /** The split's layout (default: 1000 video-level training videos in 4 shards). */
  public WriteSyntheticShards withShards(SyntheticShards shards) {
    return new WriteSyntheticShards(outputDir, requireNonNull(shards), seed, numClasses,
        compression, frameLabels);
  }

  /** The seed of the hidden model and of every shard (default 1). */
  public WriteSyntheticShards withSeed(long seed) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression,
        frameLabels);
  }

  /** The number of classes (default 3862). */
  public WriteSyntheticShards withNumClasses(int numClasses) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression,
        frameLabels);
  }

  /** UNCOMPRESSED (default) or GZIP, which adds {@code .gz} to the shard names. */
  public WriteSyntheticShards withCompression(Compression compression) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression,
        frameLabels);
  }

  /**
   * What frame-level labels say about the frames (default {@link FrameLabels#MEAN});
   * {@link FrameLabels#PATTERNS} writes data that only models pooling over the frames learn.
   */
  public WriteSyntheticShards withFrameLabels(FrameLabels frameLabels) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression,
        requireNonNull(frameLabels));
  }

  /** The manifest of a split's shards: {@code manifest-SPLIT.json}. */
  public static String manifestName(String split) {
    return "manifest-" + split + ".json";
  }

  @Override
  public PCollection<String> expand(PBegin input) {
    checkArgument(outputDir != null && !outputDir.isEmpty(), "no output directory given");
    checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
    checkArgument(compression == Compression.UNCOMPRESSED || compression == Compression.GZIP,
        "compression must be UNCOMPRESSED or GZIP, got %s", compression);
    String suffix = compression.getSuggestedSuffix();
    FileSet set = FileSet.of(outputDir, shards.split(), IntStream.range(0, shards.numShards())
            .mapToObj(shard -> shards.shardName(shard) + suffix).toList(),
        manifestName(shards.split()))
        .withMembers(Pattern.quote(shards.split()) + "\\d{4}\\.tfrecord(\\.gz)?");
    PCollectionView<String> fields = input
        .apply("ManifestFields", Create.of(manifestFields().toString()))
        .apply("FieldsView", View.asSingleton());
    return input
        .apply("ShardIndices", Create.of(IntStream.range(0, shards.numShards()).boxed()
            .collect(Collectors.toList())))
        .apply("SpreadShards", Reshuffle.viaRandomKey())
        .apply("StageShards", ParDo.of(new StageShardFn(this, set)))
        .setCoder(StagedFile.Coder.of())
        .apply("CommitShards", CommitFileSet.of(set).withManifestFields(fields))
        .apply("Paths", FlatMapElements.into(TypeDescriptors.strings())
            .via(manifest -> set.files().stream().map(set::path).toList()));
  }

  /** What the manifest records of how the split was generated. */
  private ObjectNode manifestFields() {
    ObjectNode json = FileSet.noFields();
    json.put("split", shards.split());
    json.put("num_videos", shards.numVideos());
    json.put("num_shards", shards.numShards());
    json.put("frame_features", shards.frameLevel());
    json.put("segment_labels", shards.segmentLabels());
    json.put("seed", seed);
    json.put("num_classes", numClasses);
    json.put("compression", compression.toString());
    json.put("frame_labels", frameLabels.toString());
    return json;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("outputDir", outputDir).withLabel("Output directory"))
        .add(DisplayData.item("split", shards.split()).withLabel("Split"))
        .add(DisplayData.item("numVideos", shards.numVideos()).withLabel("Videos"))
        .add(DisplayData.item("numShards", shards.numShards()).withLabel("Shards"))
        .add(DisplayData.item("frameLevel", shards.frameLevel()).withLabel("Frame-level"))
        .add(DisplayData.item("seed", seed).withLabel("Seed"))
        .add(DisplayData.item("numClasses", numClasses).withLabel("Classes"))
        .add(DisplayData.item("compression", compression.toString()).withLabel("Compression"))
        .add(DisplayData.item("frameLabels", frameLabels.toString())
            .withLabel("Frame-level labels"));
  }

  /** Writes one shard into the split's staging directory. */
  private static final class StageShardFn extends DoFn<Integer, StagedFile> {
    private static final long serialVersionUID = 1L;

    private final WriteSyntheticShards spec;
    private final FileSet set;
    private final Counter videosWritten = Metrics.counter(WriteSyntheticShards.class,
        "videos_written");

    /** Takes the (immutable, serializable) transform as its configuration. */
    StageShardFn(WriteSyntheticShards spec, FileSet set) {
      this.spec = spec;
      this.set = set;
    }

    @ProcessElement
    public void process(@Element Integer shard, OutputReceiver<StagedFile> out)
        throws IOException {
      SyntheticShards shards = spec.shards;
      FeatureSpec features = shards.frameLevel() ? FeatureSpec.FRAME_DEFAULT
          : FeatureSpec.VIDEO_DEFAULT;
      SyntheticVideos videos = SyntheticVideos.of(spec.seed, spec.numClasses, features,
          spec.frameLabels);
      StagedFile staged = set.stage(set.files().get(shard), MimeTypes.BINARY, stream -> {
        // The compressor is closed to finish its stream; the stream itself is the set's.
        OutputStream unclosed = new FilterOutputStream(stream) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
        try (OutputStream compressed = new BufferedOutputStream(Channels.newOutputStream(
            spec.compression.writeCompressed(Channels.newChannel(unclosed))), 1 << 20)) {
          shards.writeShard(shard, videos, compressed);
        }
      });
      videosWritten.inc(shards.videosInShard(shard));
      out.output(staged);
    }
  }
}
