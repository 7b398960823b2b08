package org.yt8m.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.yt8m.model.io.TfRecordReader;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.Yt8mRecord;
import org.yt8m.model.serving.ExportedModel;
import org.yt8m.model.serving.TopKBatch;
import org.yt8m.model.synthetic.SyntheticShards;
import org.yt8m.model.synthetic.SyntheticVideos;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.model.testing.SharedData;

/**
 * Records exactly as the shards hold them, sent to an export's {@value ExamplesSignature#KEY}
 * signature, come back with the ids and the top-k that inference computes from the same
 * records decoded by the readers ({@link ExportedModel#score}, what {@code infer} runs).
 */
class ExamplesSignatureTest {
  @TempDir
  Path dir;

  /** A shard's records, undecoded. */
  private static List<byte[]> records(String source, InputStream in, int max)
      throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (TfRecordReader reader = new TfRecordReader(source, in)) {
      while (records.size() < max && reader.next()) {
        records.add(Arrays.copyOf(reader.buffer(), reader.length()));
      }
    }
    return records;
  }

  @Test
  void real2018VideoRecordsScoreAsInference() throws Exception {
    Path shard = SharedData.folder("yt8m-2018-video").resolve("validate0000.tfrecord");
    List<byte[]> bytes;
    try (InputStream in = Files.newInputStream(shard)) {
      bytes = records(shard.toString(), in, 100);
    }
    // 100 classes keep the test fast; the records' labels beyond them are not scored anyway.
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.VIDEO_DEFAULT, 100, 300)
        .droppingOutOfRangeLabels();
    List<Yt8mRecord> videos = new ArrayList<>();
    for (byte[] record : bytes) {
      videos.add(decoder.decodeVideo(record, record.length));
    }
    Path export = KnownModels.export(dir, Models.LOGISTIC, FeatureSpec.VIDEO_DEFAULT,
        KnownModels.Weights.random(1152, 100, 7), 1);
    assertScoresAsInference(export, bytes, videos, ExamplesSignature.TOP_K);
  }

  @Test
  void frameRecordsAreParsedDequantizedAndCutToMaxFramesInTheGraph() throws Exception {
    // 280 to 330 frames: videos shorter and longer than the 300 that readers keep.
    SyntheticShards shards = new SyntheticShards("test", 12, 1, true, 280, 330);
    ByteArrayOutputStream shard = new ByteArrayOutputStream();
    shards.writeShard(0, SyntheticVideos.of(4, 15, FeatureSpec.FRAME_DEFAULT), shard);
    List<byte[]> bytes = records("synthetic", new ByteArrayInputStream(shard.toByteArray()),
        12);
    Yt8mDecoder decoder = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 15, 300);
    Yt8mDecoder uncut = new Yt8mDecoder(FeatureSpec.FRAME_DEFAULT, 15, 1000);
    List<Yt8mRecord> videos = new ArrayList<>();
    IntSummaryStatistics frames = new IntSummaryStatistics();
    for (byte[] record : bytes) {
      videos.add(decoder.decodeFrames(record, record.length));
      frames.accept(uncut.decodeFrames(record, record.length).numFrames());
    }
    assertTrue(frames.getMin() < 300 && frames.getMax() > 300, frames.toString());
    Path export = KnownModels.export(dir, Models.FRAME_LEVEL_LOGISTIC, FeatureSpec.FRAME_DEFAULT,
        KnownModels.Weights.random(1152, 15, 8), 1);
    assertScoresAsInference(export, bytes, videos, 15);
  }

  @ParameterizedTest
  @EnumSource(Models.class)
  void everyModelServesExamples(Models kind) throws Exception {
    // Two features for some models and one for others: one is not concatenated.
    FeatureSpec features = kind.frameLevel()
        ? (kind.ordinal() % 2 == 0 ? FeatureSpec.parse("rgb,audio", "6,2")
            : FeatureSpec.parse("rgb", "8"))
        : (kind.ordinal() % 2 == 0 ? FeatureSpec.parse("mean_rgb,mean_audio", "6,2")
            : FeatureSpec.parse("mean_rgb", "8"));
    SyntheticShards shards = new SyntheticShards("test", 3, 1, kind.frameLevel(), 5, 40);
    ByteArrayOutputStream shard = new ByteArrayOutputStream();
    shards.writeShard(0, SyntheticVideos.of(5, 30, features), shard);
    List<byte[]> bytes = records("synthetic", new ByteArrayInputStream(shard.toByteArray()), 3);
    TrainingGraph.Spec spec = new TrainingGraph.Spec(kind, TrainingGraphTest.TINY, 8, 30,
        LabelLoss.CROSS_ENTROPY, 1f, OptimizerKind.ADAM, 0.01f, 0.95f, 4_000_000L, 8, 1f, 1L);
    try (Graph g = new Graph()) {
      TrainingGraph graph = new TrainingGraph(g, spec);
      List<Signature> signatures = ExamplesSignature.appendTo(g, graph, features,
          kind.frameLevel(), TrainingGraphTest.TINY.maxFrames(), 30);
      assertEquals(graph.signatures().size() + 1, signatures.size());
      try (Session session = new Session(g);
          TString input = TString.tensorOfBytes(NdArrays.vectorOfObjects(
              bytes.toArray(byte[][]::new)))) {
        session.initialize();
        Signature examples = signatures.get(signatures.size() - 1);
        try (Result result = SessionFunction.create(examples, session)
            .call(Map.of(ExamplesSignature.EXAMPLE_BYTES, input))) {
          TFloat32 scores = (TFloat32) result.get(ExamplesSignature.PREDICTIONS).orElseThrow();
          assertEquals(Shape.of(3, ExamplesSignature.TOP_K), scores.shape());
          for (int i = 1; i < ExamplesSignature.TOP_K; i++) {
            assertTrue(scores.getFloat(0, i - 1) >= scores.getFloat(0, i), kind + " ranks");
          }
        }
      }
    }
  }

  private static void assertScoresAsInference(Path export, List<byte[]> bytes,
      List<Yt8mRecord> videos, int k) throws Exception {
    TopKBatch expected;
    try (ExportedModel model = ExportedModel.load(export, 1)) {
      expected = model.score(videos, k);
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve");
        TString input = TString.tensorOfBytes(NdArrays.vectorOfObjects(
            bytes.toArray(byte[][]::new)));
        Result result = bundle.function(ExamplesSignature.KEY)
            .call(Map.of(ExamplesSignature.EXAMPLE_BYTES, input))) {
      TString ids = (TString) result.get(ExamplesSignature.VIDEO_ID).orElseThrow();
      TInt32 classes = (TInt32) result.get(ExamplesSignature.CLASS_INDEXES).orElseThrow();
      TFloat32 scores = (TFloat32) result.get(ExamplesSignature.PREDICTIONS).orElseThrow();
      assertEquals(k, classes.shape().get(1));
      for (int v = 0; v < videos.size(); v++) {
        assertEquals(videos.get(v).id(),
            new String(ids.asBytes().getObject(v), StandardCharsets.UTF_8));
        int[] top = new int[k];
        float[] topScores = new float[k];
        for (int i = 0; i < k; i++) {
          top[i] = classes.getInt(v, i);
          topScores[i] = scores.getFloat(v, i);
        }
        assertArrayEquals(expected.classesOf(v), top, "video " + v);
        assertArrayEquals(expected.scoresOf(v), topScores, 1e-6f, "video " + v);
      }
      assertTrue(videos.size() > 1);
    }
  }
}
