package org.yt8m.transforms.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;

/**
 * Writes a synthetic YouTube-8M split ({@link SyntheticShards}) to a directory, one shard per
 * element so shards are written in parallel; outputs the paths written. Each shard depends only
 * on the seed and its index, so reruns and any runner write the same bytes.
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

  private WriteSyntheticShards(String outputDir, SyntheticShards shards, long seed,
      int numClasses, Compression compression) {
    this.outputDir = outputDir;
    this.shards = shards;
    this.seed = seed;
    this.numClasses = numClasses;
    this.compression = compression;
  }

  /** Writes into {@code outputDir} (a local path or any Beam file system's, e.g. gs://). */
  public static WriteSyntheticShards to(String outputDir) {
    return new WriteSyntheticShards(outputDir,
        new SyntheticShards("train", 1000, 4, false, SyntheticShards.DEFAULT_MIN_FRAMES,
            SyntheticShards.DEFAULT_MAX_FRAMES), 1, 3862, Compression.UNCOMPRESSED);
  }

  /** The split's layout (default: 1000 video-level training videos in 4 shards). */
  public WriteSyntheticShards withShards(SyntheticShards shards) {
    return new WriteSyntheticShards(outputDir, requireNonNull(shards), seed, numClasses,
        compression);
  }

  /** The seed of the hidden model and of every shard (default 1). */
  public WriteSyntheticShards withSeed(long seed) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression);
  }

  /** The number of classes (default 3862). */
  public WriteSyntheticShards withNumClasses(int numClasses) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression);
  }

  /** UNCOMPRESSED (default) or GZIP, which adds {@code .gz} to the shard names. */
  public WriteSyntheticShards withCompression(Compression compression) {
    return new WriteSyntheticShards(outputDir, shards, seed, numClasses, compression);
  }

  @Override
  public PCollection<String> expand(PBegin input) {
    checkArgument(outputDir != null && !outputDir.isEmpty(), "no output directory given");
    checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
    checkArgument(compression == Compression.UNCOMPRESSED || compression == Compression.GZIP,
        "compression must be UNCOMPRESSED or GZIP, got %s", compression);
    return input
        .apply("ShardIndices", Create.of(IntStream.range(0, shards.numShards()).boxed()
            .collect(Collectors.toList())))
        .apply("SpreadShards", Reshuffle.viaRandomKey())
        .apply("WriteShards", ParDo.of(new WriteShardFn(this)))
        .setCoder(StringUtf8Coder.of());
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
        .add(DisplayData.item("compression", compression.toString()).withLabel("Compression"));
  }

  private static final class WriteShardFn extends DoFn<Integer, String> {
    private static final long serialVersionUID = 1L;

    private final WriteSyntheticShards spec;
    private final Counter videosWritten = Metrics.counter(WriteSyntheticShards.class,
        "videos_written");

    /** Takes the (immutable, serializable) transform as its configuration. */
    WriteShardFn(WriteSyntheticShards spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element Integer shard, OutputReceiver<String> out) throws IOException {
      SyntheticShards shards = spec.shards;
      FeatureSpec features = shards.frameLevel() ? FeatureSpec.FRAME_DEFAULT
          : FeatureSpec.VIDEO_DEFAULT;
      SyntheticVideos videos = SyntheticVideos.of(spec.seed, spec.numClasses, features);
      ResourceId file = FileSystems.matchNewResource(spec.outputDir, true)
          .resolve(shards.shardName(shard) + spec.compression.getSuggestedSuffix(),
              StandardResolveOptions.RESOLVE_FILE);
      try (OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(
          spec.compression.writeCompressed(FileSystems.create(file, MimeTypes.BINARY))),
          1 << 20)) {
        shards.writeShard(shard, videos, stream);
      }
      videosWritten.inc(shards.videosInShard(shard));
      out.output(file.toString());
    }
  }
}
