package org.yt8m.transforms.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.transforms.io.Yt8mIO;
import org.yt8m.transforms.testing.TestPipelines;

class WriteSyntheticShardsTest {
  private static final SyntheticShards SHARDS = new SyntheticShards("train", 50, 3, false,
      SyntheticShards.DEFAULT_MIN_FRAMES, SyntheticShards.DEFAULT_MAX_FRAMES);

  @TempDir
  Path dir;

  @Test
  void writesByteIdenticalShardsOnEveryRun() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    for (Path out : new Path[] {first, second}) {
      Pipeline pipeline = TestPipelines.create();
      PAssert.that(pipeline.apply(WriteSyntheticShards.to(out.toString()).withShards(SHARDS)
              .withSeed(42)))
          .containsInAnyOrder(out.resolve("train0000.tfrecord").toString(),
              out.resolve("train0001.tfrecord").toString(),
              out.resolve("train0002.tfrecord").toString());
      pipeline.run();
    }
    for (int shard = 0; shard < 3; shard++) {
      String name = SHARDS.shardName(shard);
      assertArrayEquals(Files.readAllBytes(first.resolve(name)),
          Files.readAllBytes(second.resolve(name)), name);
    }
  }

  @Test
  void aSplitIsCommittedWholeAndARerunWithFewerShardsRemovesTheRest() throws Exception {
    Files.writeString(dir.resolve("validate0000.tfrecord"), "another split: left alone");
    generate(SHARDS, Compression.UNCOMPRESSED);
    generate(new SyntheticShards("train", 50, 2, false, SyntheticShards.DEFAULT_MIN_FRAMES,
        SyntheticShards.DEFAULT_MAX_FRAMES), Compression.GZIP);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("manifest-train.json", "train0000.tfrecord.gz",
          "train0001.tfrecord.gz", "validate0000.tfrecord"),
          files.map(file -> file.getFileName().toString()).sorted().toList());
    }
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest-train.json")
        .toFile());
    assertEquals(2, manifest.get("num_shards").asInt());
    assertEquals("GZIP", manifest.get("compression").asText());
    assertEquals(Files.size(dir.resolve("train0001.tfrecord.gz")),
        manifest.get("files").get(1).get("bytes").asLong());
  }

  @Test
  void generatedGzipShardsReadBackWhole() throws Exception {
    Pipeline write = TestPipelines.create();
    write.apply(WriteSyntheticShards.to(dir.toString()).withShards(SHARDS)
        .withCompression(Compression.GZIP));
    write.run().waitUntilFinish();
    byte[] compressed = Files.readAllBytes(dir.resolve("train0000.tfrecord.gz"));
    assertEquals(0x1f, compressed[0] & 0xff, "GZIP magic");
    assertEquals(0x8b, compressed[1] & 0xff, "GZIP magic");

    Pipeline read = TestPipelines.create();
    PAssert.thatSingleton(read.apply(Yt8mIO.readVideos(dir.resolve("train*").toString()))
        .records().apply(Count.globally())).isEqualTo(50L);
    read.run();
  }

  private void generate(SyntheticShards shards, Compression compression) {
    Pipeline pipeline = TestPipelines.create();
    pipeline.apply(WriteSyntheticShards.to(dir.toString()).withShards(shards)
        .withCompression(compression));
    pipeline.run();
  }
}
