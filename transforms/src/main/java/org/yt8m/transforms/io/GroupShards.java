package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Brings matched shards together in {@code groups} groups (by a hash of the path), each group's
 * shards then read one after another in one bundle: so that a grouping after the read receives
 * a few bundles instead of one per shard. The DirectRunner copies a grouping key's values, each
 * through its coder, every time another bundle adds to the key; with a bundle per shard that
 * cost grows with the square of the input (at a million videos in 625 shards it was all an
 * evaluation did). What each bundle then holds must be small: use it for mapped or accumulated
 * reads, never for whole records. Elsewhere it limits the read's parallelism to the groups.
 */
final class GroupShards
    extends PTransform<PCollection<MatchResult.Metadata>, PCollection<MatchResult.Metadata>> {
  private static final long serialVersionUID = 1L;
  private final int groups;

  GroupShards(int groups) {
    this.groups = groups;
  }

  @Override
  public PCollection<MatchResult.Metadata> expand(PCollection<MatchResult.Metadata> shards) {
    checkArgument(groups > 0, "groups must be positive, got %s", groups);
    int n = groups;
    return shards
        .apply("KeyByGroup", WithKeys.of((MatchResult.Metadata shard) ->
            Math.floorMod(shard.resourceId().toString().hashCode(), n))
            .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), MetadataCoder.of()))
        .apply("Group", GroupByKey.create())
        .apply("Shards", Values.create())
        .apply("OneByOne", Flatten.iterables())
        .setCoder(MetadataCoder.of());
  }
}
