package org.yt8m.pipelines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yt8m.model.io.Yt8mEncoder;
import org.yt8m.model.nn.Models;
import org.yt8m.model.record.FeatureSpec;
import org.yt8m.model.record.VideoRecord;
import org.yt8m.model.testing.KnownModels;
import org.yt8m.pipelines.infer.InferOptions;
import org.yt8m.pipelines.infer.InferPipeline;
import org.yt8m.transforms.testing.ShardFiles;

/**
 * A model packaged by {@code --outputModelTgz} and read back by {@code --inputModelTgz} scores
 * as the export it came from; archives whose entries would land outside the target, links and
 * repeated names are refused.
 */
class ModelArchiveTest {
  static final FeatureSpec FEATURES = FeatureSpec.parse("mean_rgb,mean_audio", "6,2");

  @TempDir
  Path dir;

  private String infer(String... args) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--quiet");
    all.add("--topK=5");
    InferPipeline.execute(PipelineOptionsFactory.fromArgs(all.toArray(String[]::new))
        .withValidation().as(InferOptions.class), new PrintStream(text, true, UTF_8));
    return text.toString(UTF_8);
  }

  @Test
  void aPackagedModelScoresAsTheExportItCameFrom() throws Exception {
    Path train = dir.resolve("train");
    Path export = KnownModels.export(train, Models.LOGISTIC, FEATURES,
        KnownModels.Weights.random(8, 10, 3), 7);
    SplittableRandom random = new SplittableRandom(1);
    Yt8mEncoder encoder = new Yt8mEncoder(FEATURES);
    List<byte[]> records = new ArrayList<>();
    for (int v = 0; v < 20; v++) {
      float[] features = new float[8];
      for (int d = 0; d < 8; d++) {
        features[d] = (float) random.nextDouble(-2, 2);
      }
      records.add(encoder.encodeVideo(VideoRecord.of("v" + v, new int[0], features), false));
    }
    ShardFiles.write(dir.resolve("test0.tfrecord"), records);
    String shards = "--inputDataPattern=" + dir.resolve("test0.tfrecord");
    Path tgz = dir.resolve("model.tgz");

    String packed = infer(shards, "--modelDir=" + export, "--outputFile=" + dir.resolve("a.csv"),
        "--outputModelTgz=" + tgz);
    assertTrue(packed.endsWith("packaged the model as " + tgz + "\n"), packed);
    assertEquals(List.of("model_flags.json", "export/latest", "export/step_7/model_flags.json",
        "export/step_7/saved_model.pb"), entries(tgz).subList(0, 4));
    assertTrue(entries(tgz).contains("export/step_7/variables/variables.index"));

    Path untarred = dir.resolve("untarred");
    infer(shards, "--inputModelTgz=" + tgz, "--untarModelDir=" + untarred,
        "--outputFile=" + dir.resolve("b.csv"));
    assertEquals(Files.readAllLines(dir.resolve("a.csv")),
        Files.readAllLines(dir.resolve("b.csv")));
    assertEquals("step_7\n", Files.readString(untarred.resolve("export/latest")));

    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> infer(shards, "--inputModelTgz=" + tgz, "--untarModelDir=" + untarred,
            "--outputFile=" + dir.resolve("c.csv")));
    assertTrue(again.getMessage().contains("--untarModelDir=" + untarred + " is not empty"),
        again.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> infer(shards, "--inputModelTgz=" + tgz, "--untarModelDir=" + dir.resolve("u2"),
            "--trainDir=" + train, "--outputFile=" + dir.resolve("c.csv")));
    assertEquals("give --inputModelTgz or --trainDir, not both", both.getMessage());
  }

  @Test
  void entriesThatWouldLandOutsideTheTargetAreRefused() throws Exception {
    for (String name : List.of("../evil", "export/../../evil", "/tmp/evil", "C:/evil",
        "a\\..\\evil")) {
      Path tgz = archive(dir.resolve("slip.tgz"), new Entry(name, TarConstants.LF_NORMAL));
      Path target = dir.resolve("target-" + Math.abs(name.hashCode()));
      IOException e = assertThrows(IOException.class,
          () -> ModelArchive.unpack(tgz.toString(), target.toString()));
      assertEquals(tgz + ": entry " + name + " would land outside the directory it is "
          + "unpacked into: refused (a model archive holds relative paths only)",
          e.getMessage());
      assertFalse(Files.exists(dir.resolve("evil")));
    }
  }

  @Test
  void linksDevicesAndRepeatedNamesAreRefused() throws Exception {
    Path link = archive(dir.resolve("link.tgz"), new Entry("model_flags.json",
        TarConstants.LF_SYMLINK));
    IOException e = assertThrows(IOException.class,
        () -> ModelArchive.unpack(link.toString(), dir.resolve("t1").toString()));
    assertEquals(link + ": entry model_flags.json is a symbolic link to /etc/passwd: a model "
        + "archive holds only regular files and directories", e.getMessage());
    Path fifo = archive(dir.resolve("fifo.tgz"), new Entry("f", TarConstants.LF_FIFO));
    assertTrue(assertThrows(IOException.class,
        () -> ModelArchive.unpack(fifo.toString(), dir.resolve("t2").toString()))
        .getMessage().contains("entry f is a FIFO"));
    Path twice = archive(dir.resolve("twice.tgz"), new Entry("./a", TarConstants.LF_NORMAL),
        new Entry("a", TarConstants.LF_NORMAL));
    assertEquals(twice + ": entry a is in the archive twice", assertThrows(IOException.class,
        () -> ModelArchive.unpack(twice.toString(), dir.resolve("t3").toString()))
        .getMessage());
    Path notTgz = dir.resolve("plain.tgz");
    Files.writeString(notTgz, "not gzip");
    assertTrue(assertThrows(IOException.class,
        () -> ModelArchive.unpack(notTgz.toString(), dir.resolve("t4").toString()))
        .getMessage().startsWith(notTgz + ": not a readable .tgz model archive"));
  }

  /** An unpack cut short (here by a bad entry after it) has not written export/latest yet. */
  @Test
  void anUnpackCutShortLeavesNoLatestExport() throws Exception {
    Path tgz = archive(dir.resolve("cut.tgz"), new Entry("model_flags.json",
        TarConstants.LF_NORMAL), new Entry("export/latest", TarConstants.LF_NORMAL),
        new Entry("export/step_1/saved_model.pb", TarConstants.LF_NORMAL),
        new Entry("export/step_1/fifo", TarConstants.LF_FIFO));
    Path target = dir.resolve("cut");
    assertThrows(IOException.class, () -> ModelArchive.unpack(tgz.toString(),
        target.toString()));
    assertTrue(Files.exists(target.resolve("export/step_1/saved_model.pb")));
    assertFalse(Files.exists(target.resolve("export/latest")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelArchive.unpack(tgz.toString(), target.toString()));
    assertTrue(e.getMessage().contains("killed leaves one without export/latest"),
        e.getMessage());
  }

  private record Entry(String name, byte type) {}

  private static Path archive(Path tgz, Entry... entries) throws IOException {
    try (OutputStream file = Files.newOutputStream(tgz);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(
            new GzipCompressorOutputStream(file))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry entry : entries) {
        TarArchiveEntry tarEntry = new TarArchiveEntry(entry.name(), entry.type(), true);
        if (entry.type() == TarConstants.LF_SYMLINK) {
          tarEntry.setLinkName("/etc/passwd");
        }
        byte[] content = entry.type() == TarConstants.LF_NORMAL ? new byte[] {1, 2}
            : new byte[0];
        tarEntry.setSize(content.length);
        tar.putArchiveEntry(tarEntry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return tgz;
  }

  private static List<String> entries(Path tgz) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tgz);
        TarArchiveInputStream tar = new TarArchiveInputStream(
            new GzipCompressorInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}
