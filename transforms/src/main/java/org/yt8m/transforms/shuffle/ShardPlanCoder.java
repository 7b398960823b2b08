package org.yt8m.transforms.shuffle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Encodes a {@link ShardPlan}: the number of shards, then only its non-empty buckets, each as
 * the gap from the previous one and its records (a plan of a few records is a few bytes, not
 * the 65,536 buckets' 512 KB).
 */
public final class ShardPlanCoder extends AtomicCoder<ShardPlan> {
  private static final ShardPlanCoder INSTANCE = new ShardPlanCoder();

  private ShardPlanCoder() {}

  public static ShardPlanCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ShardPlan plan, OutputStream out) throws IOException {
    VarInt.encode(plan.numShards(), out);
    int nonEmpty = 0;
    for (int b = 0; plan.counts != null && b < ShardPlan.BUCKETS; b++) {
      nonEmpty += plan.counts[b] > 0 ? 1 : 0;
    }
    VarInt.encode(nonEmpty, out);
    int previous = 0;
    for (int b = 0; nonEmpty > 0 && b < ShardPlan.BUCKETS; b++) {
      if (plan.counts[b] > 0) {
        VarInt.encode(b - previous, out);
        VarInt.encode(plan.counts[b], out);
        previous = b;
      }
    }
  }

  @Override
  public ShardPlan decode(InputStream in) throws IOException {
    ShardPlan plan = new ShardPlan(VarInt.decodeInt(in));
    int nonEmpty = VarInt.decodeInt(in);
    if (nonEmpty > 0) {
      plan.counts = new long[ShardPlan.BUCKETS];
    }
    int bucket = 0;
    for (int i = 0; i < nonEmpty; i++) {
      bucket += VarInt.decodeInt(in);
      plan.counts[bucket] = VarInt.decodeLong(in);
    }
    return plan;
  }

  @Override
  public void verifyDeterministic() {}
}
