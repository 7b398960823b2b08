package org.yt8m.pipelines.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.transforms.testing.ShardFiles;

/** {@code yt8m infer} through the launcher: inference.py's command line, pasted as it is. */
class InferCommandTest {
  @TempDir
  Path dir;

  @Test
  void takesTheStarterSpellingsAndEndsWithItsSummary() throws Exception {
    FeatureSpec features = FeatureSpec.parse("mean_rgb,mean_audio", "3,1");
    KnownModels.export(dir.resolve("train"), Models.LOGISTIC, features,
        KnownModels.Weights.random(4, 6, 2), 4);
    List<byte[]> records = new ArrayList<>();
    for (int v = 0; v < 5; v++) {
      records.add(new Yt8mEncoder(features).encodeVideo(VideoRecord.of("v" + v, new int[0],
          new float[] {v, 1, -v, 2}), false));
    }
    ShardFiles.write(dir.resolve("test0000.tfrecord"), records);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Yt8m.run(new String[] {"infer", "--input_data_pattern",
        dir.resolve("test*.tfrecord").toString(), "--train_dir=" + dir.resolve("train"),
        "--output_file=" + dir.resolve("predictions.csv"), "--top_k=3", "--batch_size=2",
        "--num_readers=8"}, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    assertEquals(Yt8m.OK, status, err.toString(UTF_8));
    assertEquals(6, Files.readAllLines(dir.resolve("predictions.csv")).size());
    assertTrue(out.toString(UTF_8).startsWith("scored 5 videos with LogisticModel"),
        out.toString(UTF_8));
    assertTrue(err.toString(UTF_8).contains("ignoring starter-code flags that mean nothing "
        + "here: --num_readers=8"), err.toString(UTF_8));
  }

  @Test
  void helpListsInfer() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Yt8m.run(new String[] {"help"}, new PrintStream(out, true, UTF_8), System.err);
    assertTrue(out.toString(UTF_8).contains("  infer      Score shards with an exported model"),
        out.toString(UTF_8));
  }
}
