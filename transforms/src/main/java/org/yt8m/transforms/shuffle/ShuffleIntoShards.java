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
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
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
import org.jspecify.annotations.Nullable;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.transforms.combine.AccumulatorFn;
import org.yt8m.transforms.io.CommitFileSet;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.RunSlice;
import org.yt8m.transforms.io.ShardOutput;
import org.yt8m.transforms.io.SortedRuns;
import org.yt8m.transforms.io.StagedFile;

/**
 * Shuffles records globally into {@code numShards} uncompressed TFRecord shards of equal size
 * (at most one record apart), byte-identical for the same records and seed on any runner and
 * however the input was split or bundled; outputs the {@link ShardPlan} once every shard is
 * written. An external sort in two halves: the first inside the read, the second this
 * transform.
 *
 * <pre>{@code
 * ShuffleIntoShards shuffle = ShuffleIntoShards.to("gs://b/prepared").withFeatures(features)
 *     .withNumShards(256).withSeed(7);
 * ReadResult<SortedRun> runs = pipeline.apply("Read",
 *     Yt8mIO.readVideos("gs://b/train*.tfrecord").through(shuffle.runsInRead()));
 * PCollection<ShardPlan> written = runs.records().apply("Shuffle", shuffle);
 * }</pre>
 *
 * <p>{@code TFRecordIO.write().withNumShards} places records by worker and bundle, and a
 * GroupByKey's order is the runner's, so neither gives the same bytes twice. Here the order is
 * a function of the records alone: each record is re-encoded ({@link Yt8mEncoder}, labels only
 * when it has some) and sorted by a seeded 64-bit hash of its id, ties broken by the encoded
 * bytes. Shard {@code k} is the {@code k}-th contiguous range of that order.
 *
 * <p>The read sorts each input shard's records and writes them as {@link SortedRun}s into the
 * output's staging directory ({@link #runsInRead}); what becomes a collection is each run's
 * index, its records and byte offset per hash bucket. This transform sums the indexes into the
 * global ranks of each bucket (the {@link ShardPlan}, a small side input), sends each shard the
 * byte ranges of its buckets in every run ({@link RunSlice}s, a few bytes each: the shuffle
 * carries no records), and each shard's writer merges its slices ({@link SortedRuns}) and keeps
 * its ranks. So memory is bounded by a run ({@link #withMaxRunBytes}) per reading thread and a
 * merge's buffers per writer, whatever the input's size, and the records go to disk twice: as
 * runs, and as shards (plus once more for a shard of more than {@value SortedRuns#FAN_IN}
 * runs, merged in groups first). The shards are named {@code prepared-00000-of-00016.tfrecord};
 * a shard that gets no records (fewer records than shards) is written empty, so there are
 * always {@code numShards} files.
 *
 * <p>The shards are a {@link FileSet} committed whole ({@link CommitFileSet}): staged beside the
 * output directory, then moved into place together with {@code manifest.json} written last: the
 * {@link #withManifestFields caller's fields}, then {@code records}, {@code num_shards},
 * {@code shards} and {@code records_per_shard}, then every file with its size and CRC32C.
 * Prepared shards of another count that were in the directory are removed then, and so are the
 * runs, which live in the staging directory. A run killed before that leaves the earlier shards
 * and manifest as they were.
 */
public final class ShuffleIntoShards
    extends PTransform<PCollection<SortedRun>, PCollection<ShardPlan>> {
  private static final long serialVersionUID = 1L;
  private static final HashFunction HASH = Hashing.murmur3_128();

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
  private final long maxRunBytes;
  private final @Nullable PCollectionView<String> manifestFields;
  // Drawn once in to(), so that the runs the read writes and the shards are staged together.
  private final String stagingId;

  private ShuffleIntoShards(String outputDir, FeatureSpec features, int numShards, long seed,
      long maxRunBytes, @Nullable PCollectionView<String> manifestFields, String stagingId) {
    this.outputDir = outputDir;
    this.features = features;
    this.numShards = numShards;
    this.seed = seed;
    this.maxRunBytes = maxRunBytes;
    this.manifestFields = manifestFields;
    this.stagingId = stagingId;
  }

  /** Writes the shards into {@code outputDir} (a local path or any Beam file system's). */
  public static ShuffleIntoShards to(String outputDir) {
    return new ShuffleIntoShards(outputDir, null, 16, 0, 64L << 20, null,
        UUID.randomUUID().toString());
  }

  /** The features the records are read with, written in this order (required). */
  public ShuffleIntoShards withFeatures(FeatureSpec features) {
    return new ShuffleIntoShards(outputDir, requireNonNull(features), numShards, seed,
        maxRunBytes, manifestFields, stagingId);
  }

  /** The number of shards to write (default 16). */
  public ShuffleIntoShards withNumShards(int numShards) {
    return new ShuffleIntoShards(outputDir, features, numShards, seed, maxRunBytes,
        manifestFields, stagingId);
  }

  /** The seed of the order (default 0): another seed, another permutation. */
  public ShuffleIntoShards withSeed(long seed) {
    return new ShuffleIntoShards(outputDir, features, numShards, seed, maxRunBytes,
        manifestFields, stagingId);
  }

  /**
   * The most bytes of records (encoded, plus 12 a record) a reading thread holds and sorts
   * before writing them as a run (default 64 MiB); a larger input shard is written as several
   * runs. The output does not depend on it.
   */
  public ShuffleIntoShards withMaxRunBytes(long maxRunBytes) {
    return new ShuffleIntoShards(outputDir, features, numShards, seed, maxRunBytes,
        manifestFields, stagingId);
  }

  /**
   * Fields to put first in {@code manifest.json}: a singleton view of a JSON object's text
   * (default: none).
   */
  public ShuffleIntoShards withManifestFields(PCollectionView<String> fields) {
    return new ShuffleIntoShards(outputDir, features, numShards, seed, maxRunBytes,
        requireNonNull(fields), stagingId);
  }

  /**
   * What the read of the records to shuffle outputs in their place
   * ({@code Yt8mIO.Read#through}): each input shard's valid records hashed, encoded and sorted
   * inside the read, written as sorted runs into the output's staging directory. This
   * transform's input is those runs.
   */
  public ShardOutput<Yt8mRecord, SortedRun> runsInRead() {
    checkSettings();
    checkArgument(features != null, "no features given: call withFeatures() with the features "
        + "the records are read with");
    checkArgument(maxRunBytes > 0, "maxRunBytes must be positive, got %s", maxRunBytes);
    return new RunsInRead(fileSet(), features, seed, maxRunBytes);
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
  public PCollection<ShardPlan> expand(PCollection<SortedRun> runs) {
    checkSettings();
    int shards = numShards;
    PCollection<ShardPlan> plan = runs.apply("CountPerBucket", Combine.globally(
        AccumulatorFn.<SortedRun, ShardPlan>of(() -> new ShardPlan(shards),
            ShardPlanCoder.of())));
    PCollectionView<ShardPlan> planView = plan.apply("PlanView", View.asSingleton());
    PCollection<KV<Integer, Iterable<RunSlice>>> groups = runs
        .apply("RouteToShards", ParDo.of(new RouteFn())
            .withSideInput(RouteFn.PLAN, planView))
        .setCoder(KvCoder.of(VarIntCoder.of(), RunSlice.Coder.of()))
        .apply("GroupByShard", GroupByKey.create());
    PCollection<KV<Integer, Iterable<RunSlice>>> emptyShards = plan
        .apply("EmptyShards", ParDo.of(new EmptyShardsFn()))
        .setCoder(groups.getCoder());
    PCollectionView<String> callerFields = manifestFields != null ? manifestFields
        : runs.getPipeline().apply("NoManifestFields", Create.of("{}"))
            .apply("NoFieldsView", View.asSingleton());
    PCollectionView<String> fields = plan
        .apply("ManifestFields", ParDo.of(new ManifestFieldsFn())
            .withSideInput(ManifestFieldsFn.CALLER, callerFields))
        .setCoder(StringUtf8Coder.of())
        .apply("FieldsView", View.asSingleton());
    FileSet set = fileSet();
    return PCollectionList.of(groups).and(emptyShards)
        .apply("AllShards", Flatten.pCollections())
        .apply("StageShards", ParDo.of(new WriteShardFn(set))
            .withSideInput(WriteShardFn.PLAN, planView))
        .setCoder(StagedFile.Coder.of())
        .apply("CommitShards", CommitFileSet.of(set).withManifestFields(fields))
        .apply("Committed", ParDo.of(new CommittedFn())
            .withSideInput(CommittedFn.PLAN, planView))
        .setCoder(ShardPlanCoder.of());
  }

  private void checkSettings() {
    checkArgument(outputDir != null && !outputDir.isEmpty(), "no output directory given");
    checkArgument(0 < numShards && numShards <= MAX_SHARDS, "numShards must be in [1, %s], "
        + "got %s", MAX_SHARDS, numShards);
  }

  /**
   * The {@code numShards} shards in {@code outputDir}, as a set with its manifest, staged under
   * this transform's staging id.
   */
  private FileSet fileSet() {
    return FileSet.of(outputDir, "prepared", IntStream.range(0, numShards)
            .mapToObj(shard -> shardName(shard, numShards)).toList(), MANIFEST)
        .withMembers(SHARD_NAMES).withStagingId(stagingId);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("outputDir", outputDir).withLabel("Output directory"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards"))
        .add(DisplayData.item("seed", seed).withLabel("Seed"))
        .add(DisplayData.item("maxRunBytes", maxRunBytes)
            .withLabel("Bytes a reading thread sorts into a run"));
    if (features != null) {
      builder
          .add(DisplayData.item("featureNames", features.namesFlag()).withLabel("Feature names"))
          .add(DisplayData.item("featureSizes", features.sizesFlag())
              .withLabel("Feature sizes"));
    }
  }

  /**
   * Sends each non-empty shard whose buckets a run holds records of the run's bytes of those
   * buckets (usually one shard; a run of a few records in each of many buckets touches many).
   */
  private static final class RouteFn extends DoFn<SortedRun, KV<Integer, RunSlice>> {
    private static final long serialVersionUID = 1L;
    static final String PLAN = "plan";

    @ProcessElement
    public void process(@Element SortedRun run, @SideInput(PLAN) ShardPlan plan,
        OutputReceiver<KV<Integer, RunSlice>> out) {
      int last = plan.lastShardOf(run.bucket(run.size() - 1));
      for (int shard = plan.firstShardOf(run.bucket(0)); shard <= last; shard++) {
        if (plan.recordsInShard(shard) > 0) {
          Optional<RunSlice> slice = run.slice(plan.bucketsOf(shard));
          if (slice.isPresent()) {
            out.output(KV.of(shard, slice.get()));
          }
        }
      }
    }
  }

  /** The shards that take no record (fewer records than shards), to be written empty. */
  private static final class EmptyShardsFn
      extends DoFn<ShardPlan, KV<Integer, Iterable<RunSlice>>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element ShardPlan plan,
        OutputReceiver<KV<Integer, Iterable<RunSlice>>> out) {
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
