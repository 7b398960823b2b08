package org.yt8m.transforms.shuffle;

import static com.google.common.base.Preconditions.checkArgument;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.Yt8mRecord;
import org.jspecify.annotations.Nullable;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.io.CommitFileSet;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.StagedFile;

/**
 * Shuffles records globally into {@code numShards} uncompressed TFRecord shards of equal size
 * (at most one record apart), byte-identical for the same records and seed on any runner and
 * however the input was split or bundled; outputs the {@link ShardPlan} once every shard is
 * written.
 *
 * <pre>{@code
 * PCollection<ShardPlan> written = videos.apply("Shuffle",
 *     ShuffleIntoShards.<VideoRecord>to("gs://b/prepared").withFeatures(features)
 *         .withNumShards(256).withSeed(7));
 * }</pre>
 *
 * <p>{@code TFRecordIO.write().withNumShards} places records by worker and bundle, and a
 * GroupByKey's order is the runner's, so neither gives the same bytes twice. Here the order is
 * a function of the records alone: each record is re-encoded ({@link Yt8mEncoder}, labels only
 * when it has some) and sorted by a seeded 64-bit hash of its id, ties broken by the encoded
 * bytes. Shard {@code k} is the {@code k}-th contiguous range of that order; the global ranks
 * this needs come from record counts per hash bucket (a small side input), so the data is
 * shuffled once, grouped by shard. See {@link ShardPlan}.
 *
 * <p>A shard's writer sorts the slices of its shard in memory, at most
 * {@link #withMaxBytesInMemory} encoded bytes at a time, re-reading the shard's group once per
 * slice when the shard is larger. The shards are named {@code prepared-00000-of-00016.tfrecord};
 * a shard that gets no records (fewer records than shards) is written empty, so there are always
 * {@code numShards} files.
 *
 * <p>The shards are a {@link FileSet} committed whole ({@link CommitFileSet}): staged beside the
 * output directory, then moved into place together with {@code manifest.json} written last: the
 * {@link #withManifestFields caller's fields}, then {@code records}, {@code num_shards},
 * {@code shards} and {@code records_per_shard}, then every file with its size and CRC32C.
 * Prepared shards of another count that were in the directory are removed then. A run killed
 * before that leaves the earlier shards and manifest as they were.
 */
public final class ShuffleIntoShards<T extends Yt8mRecord>
    extends PTransform<PCollection<T>, PCollection<ShardPlan>> {
  private static final long serialVersionUID = 1L;
  private static final HashFunction HASH = Hashing.murmur3_128();
  private static final KvCoder<Long, byte[]> KEYED =
      KvCoder.of(BigEndianLongCoder.of(), ByteArrayCoder.of());

  /** The most shards: their names have five digits. */
  public static final int MAX_SHARDS = 99_999;

  /** The manifest written beside the shards, last. */
  public static final String MANIFEST = "manifest.json";

  /** The names of prepared shards of any count: the names the set owns. */
  private static final String SHARD_NAMES = "prepared-\\d{5}-of-\\d{5}\\.tfrecord";

  private final String outputDir;
  private final FeatureSpec features;
  private final int numShards;
  private final long seed;
  private final long maxBytesInMemory;
  private final @Nullable PCollectionView<String> manifestFields;

  private ShuffleIntoShards(String outputDir, FeatureSpec features, int numShards, long seed,
      long maxBytesInMemory, @Nullable PCollectionView<String> manifestFields) {
    this.outputDir = outputDir;
    this.features = features;
    this.numShards = numShards;
    this.seed = seed;
    this.maxBytesInMemory = maxBytesInMemory;
    this.manifestFields = manifestFields;
  }

  /** Writes the shards into {@code outputDir} (a local path or any Beam file system's). */
  public static <T extends Yt8mRecord> ShuffleIntoShards<T> to(String outputDir) {
    return new ShuffleIntoShards<>(outputDir, null, 16, 0, 256L << 20, null);
  }

  /** The features the records were read with, written in this order (required). */
  public ShuffleIntoShards<T> withFeatures(FeatureSpec features) {
    return new ShuffleIntoShards<>(outputDir, requireNonNull(features), numShards, seed,
        maxBytesInMemory, manifestFields);
  }

  /** The number of shards to write (default 16). */
  public ShuffleIntoShards<T> withNumShards(int numShards) {
    return new ShuffleIntoShards<>(outputDir, features, numShards, seed, maxBytesInMemory,
        manifestFields);
  }

  /** The seed of the order (default 0): another seed, another permutation. */
  public ShuffleIntoShards<T> withSeed(long seed) {
    return new ShuffleIntoShards<>(outputDir, features, numShards, seed, maxBytesInMemory,
        manifestFields);
  }

  /**
   * The encoded bytes of a shard its writer sorts in memory at a time (default 256 MiB); a
   * larger shard is written in several passes over its records. The output does not depend on
   * it.
   */
  public ShuffleIntoShards<T> withMaxBytesInMemory(long maxBytesInMemory) {
    return new ShuffleIntoShards<>(outputDir, features, numShards, seed, maxBytesInMemory,
        manifestFields);
  }

  /**
   * Fields to put first in {@code manifest.json}: a singleton view of a JSON object's text
   * (default: none).
   */
  public ShuffleIntoShards<T> withManifestFields(PCollectionView<String> fields) {
    return new ShuffleIntoShards<>(outputDir, features, numShards, seed, maxBytesInMemory,
        requireNonNull(fields));
  }

  /** The file name of shard {@code shard} of {@code numShards}. */
  public static String shardName(int shard, int numShards) {
    return String.format(Locale.ROOT, "prepared-%05d-of-%05d.tfrecord", shard, numShards);
  }

  /** The shuffle hash of a record with id {@code id}: records are written in its order. */
  public static long hash(long seed, String id) {
    return HASH.newHasher().putLong(seed).putString(id, UTF_8).hash().asLong();
  }

  @Override
  public PCollection<ShardPlan> expand(PCollection<T> records) {
    checkArgument(outputDir != null && !outputDir.isEmpty(), "no output directory given");
    checkArgument(features != null, "no features given: call withFeatures() with the features "
        + "the records were read with");
    checkArgument(0 < numShards && numShards <= MAX_SHARDS, "numShards must be in [1, %s], "
        + "got %s", MAX_SHARDS, numShards);
    checkArgument(maxBytesInMemory > 0, "maxBytesInMemory must be positive, got %s",
        maxBytesInMemory);
    int shards = numShards;
    PCollection<KV<Long, byte[]>> keyed = records
        .apply("HashAndEncode", ParDo.of(new HashAndEncodeFn<T>(features, seed)))
        .setCoder(KEYED);
    PCollection<ShardPlan> plan = keyed.apply("CountPerBucket", Combine.globally(
        AccumulatorFn.<KV<Long, byte[]>, ShardPlan>of(() -> new ShardPlan(shards),
            ShardPlanCoder.of())));
    PCollectionView<ShardPlan> planView = plan.apply("PlanView", View.asSingleton());
    PCollection<KV<Integer, Iterable<KV<Long, byte[]>>>> groups = keyed
        .apply("RouteToShards", ParDo.of(new RouteFn())
            .withSideInput(RouteFn.PLAN, planView))
        .setCoder(KvCoder.of(VarIntCoder.of(), KEYED))
        .apply("GroupByShard", GroupByKey.create());
    PCollection<KV<Integer, Iterable<KV<Long, byte[]>>>> emptyShards = plan
        .apply("EmptyShards", ParDo.of(new EmptyShardsFn()))
        .setCoder(groups.getCoder());
    PCollectionView<String> callerFields = manifestFields != null ? manifestFields
        : records.getPipeline().apply("NoManifestFields", Create.of("{}"))
            .apply("NoFieldsView", View.asSingleton());
    PCollectionView<String> fields = plan
        .apply("ManifestFields", ParDo.of(new ManifestFieldsFn())
            .withSideInput(ManifestFieldsFn.CALLER, callerFields))
        .setCoder(StringUtf8Coder.of())
        .apply("FieldsView", View.asSingleton());
    FileSet set = fileSet(outputDir, shards);
    return PCollectionList.of(groups).and(emptyShards)
        .apply("AllShards", Flatten.pCollections())
        .apply("StageShards", ParDo.of(new WriteShardFn(set, maxBytesInMemory))
            .withSideInput(WriteShardFn.PLAN, planView))
        .setCoder(StagedFile.Coder.of())
        .apply("CommitShards", CommitFileSet.of(set).withManifestFields(fields))
        .apply("Committed", ParDo.of(new CommittedFn())
            .withSideInput(CommittedFn.PLAN, planView))
        .setCoder(ShardPlanCoder.of());
  }

  /** The {@code numShards} shards in {@code outputDir}, as a set with its manifest. */
  private static FileSet fileSet(String outputDir, int numShards) {
    return FileSet.of(outputDir, "prepared", IntStream.range(0, numShards)
            .mapToObj(shard -> shardName(shard, numShards)).toList(), MANIFEST)
        .withMembers(SHARD_NAMES);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("outputDir", outputDir).withLabel("Output directory"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards"))
        .add(DisplayData.item("seed", seed).withLabel("Seed"))
        .add(DisplayData.item("maxBytesInMemory", maxBytesInMemory)
            .withLabel("Bytes a writer sorts at a time"));
    if (features != null) {
      builder
          .add(DisplayData.item("featureNames", features.namesFlag()).withLabel("Feature names"))
          .add(DisplayData.item("featureSizes", features.sizesFlag())
              .withLabel("Feature sizes"));
    }
  }

  /** A record as its shuffle hash and its serialized form. */
  private static final class HashAndEncodeFn<T extends Yt8mRecord>
      extends DoFn<T, KV<Long, byte[]>> {
    private static final long serialVersionUID = 1L;
    private final FeatureSpec features;
    private final long seed;
    private transient Yt8mEncoder encoder;

    HashAndEncodeFn(FeatureSpec features, long seed) {
      this.features = features;
      this.seed = seed;
    }

    @Setup
    public void setup() {
      encoder = new Yt8mEncoder(features);
    }

    @ProcessElement
    public void process(@Element T record, OutputReceiver<KV<Long, byte[]>> out) {
      out.output(KV.of(hash(seed, record.id()), encoder.encode(record, record.hasLabels())));
    }
  }

  /** Sends a record to each non-empty shard its bucket's ranks fall in (usually one). */
  private static final class RouteFn
      extends DoFn<KV<Long, byte[]>, KV<Integer, KV<Long, byte[]>>> {
    private static final long serialVersionUID = 1L;
    static final String PLAN = "plan";

    @ProcessElement
    public void process(@Element KV<Long, byte[]> record, @SideInput(PLAN) ShardPlan plan,
        OutputReceiver<KV<Integer, KV<Long, byte[]>>> out) {
      int bucket = ShardPlan.bucketOf(record.getKey());
      for (int shard = plan.firstShardOf(bucket); shard <= plan.lastShardOf(bucket); shard++) {
        if (plan.recordsInShard(shard) > 0) {
          out.output(KV.of(shard, record));
        }
      }
    }
  }

  /** The shards that take no record (fewer records than shards), to be written empty. */
  private static final class EmptyShardsFn
      extends DoFn<ShardPlan, KV<Integer, Iterable<KV<Long, byte[]>>>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element ShardPlan plan,
        OutputReceiver<KV<Integer, Iterable<KV<Long, byte[]>>>> out) {
      for (int shard = 0; shard < plan.numShards(); shard++) {
        if (plan.recordsInShard(shard) == 0) {
          out.output(KV.of(shard, List.of()));
        }
      }
    }
  }

  /** The manifest's fields: the caller's, then what the plan says of the shards. */
  private static final class ManifestFieldsFn extends DoFn<ShardPlan, String> {
    private static final long serialVersionUID = 1L;
    static final String CALLER = "caller";

    @ProcessElement
    public void process(@Element ShardPlan plan, @SideInput(CALLER) String caller,
        OutputReceiver<String> out) throws IOException {
      ObjectNode json = (ObjectNode) new ObjectMapper().readTree(caller);
      json.put("records", plan.records());
      json.put("num_shards", plan.numShards());
      ArrayNode names = json.putArray("shards");
      ArrayNode sizes = json.putArray("records_per_shard");
      for (int shard = 0; shard < plan.numShards(); shard++) {
        names.add(shardName(shard, plan.numShards()));
        sizes.add(plan.recordsInShard(shard));
      }
      out.output(json.toString());
    }
  }

  /** Passes the plan on once the shards are committed. */
  private static final class CommittedFn extends DoFn<String, ShardPlan> {
    private static final long serialVersionUID = 1L;
    static final String PLAN = "plan";

    @ProcessElement
    public void process(@SideInput(PLAN) ShardPlan plan, OutputReceiver<ShardPlan> out) {
      out.output(plan);
    }
  }
}
