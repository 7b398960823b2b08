package org.yt8m.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;

/**
 * Checks matched files against the manifests of the {@link FileSet}s they belong to
 * ({@link ManifestCheck}) before a reader reads them: a file of a set is passed on only when the
 * set matches its manifest, sizes and CRC32C included (each such file is read once for its
 * checksum, in parallel, before the reader splits it), and the job fails naming the file and
 * what differs otherwise. Files no set owns pass as they are; set manifests a pattern happens to
 * match are left out (counter {@code manifests_left_out}).
 *
 * <pre>{@code
 * pipeline.apply(FileIO.match().filepattern("gs://b/pred-*.csv"))
 *     .apply("CheckSets", CheckSets.create())
 *     .apply(FileIO.readMatches());
 * }</pre>
 */
public final class CheckSets extends PTransform<PCollection<Metadata>, PCollection<Metadata>> {
  private static final long serialVersionUID = 1L;

  private final boolean checksums;

  private CheckSets(boolean checksums) {
    this.checksums = checksums;
  }

  public static CheckSets create() {
    return new CheckSets(true);
  }

  /**
   * Checks names, sizes and completeness only, for a reader that verifies as it reads or whose
   * files are too large to read twice (TFRecord shards carry a CRC per record).
   */
  public CheckSets withoutChecksums() {
    return new CheckSets(false);
  }

  @Override
  public PCollection<Metadata> expand(PCollection<Metadata> files) {
    return files.apply("CheckAgainstManifests", ParDo.of(new CheckFn(checksums)))
        .setCoder(files.getCoder());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("checksums", checksums).withLabel("Files read for CRC32C"));
  }

  private static final class CheckFn extends DoFn<Metadata, Metadata> {
    private static final long serialVersionUID = 1L;
    private final Counter manifestsLeftOut = Metrics.counter(CheckSets.class,
        "manifests_left_out");
    private final boolean checksums;
    private transient ManifestCheck check;

    CheckFn(boolean checksums) {
      this.checksums = checksums;
    }

    @Setup
    public void setup() {
      check = new ManifestCheck();
    }

    @ProcessElement
    public void process(@Element Metadata file, OutputReceiver<Metadata> out)
        throws IOException {
      if (check.isManifest(file)) {
        manifestsLeftOut.inc();
        return;
      }
      Optional<ManifestCheck.Listed> listed = check.check(file);
      if (listed.isPresent() && checksums) {
        try (InputStream in = ManifestCheck.verifying(Channels.newInputStream(
            FileSystems.open(file.resourceId())), file.resourceId().toString(), listed.get())) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      out.output(file);
    }
  }
}
