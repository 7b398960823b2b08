package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes texts, each keyed by its file name, as the files of a {@link FileSet} committed whole
 * (the outputs of an evaluation: metrics, a table, a report). Every file of the set must come
 * once. Outputs the manifest's text once the files are in place.
 *
 * <pre>{@code
 * texts.apply("WriteOutputs", WriteTextSet.to(FileSet.of(dir, "evaluation",
 *     List.of("metrics.json", "report.html"), "evaluation.manifest.json")));
 * }</pre>
 */
public final class WriteTextSet extends PTransform<PCollection<KV<String, String>>,
    PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final FileSet set;

  private WriteTextSet(FileSet set) {
    this.set = set;
  }

  /** Writes the set {@code set}. */
  public static WriteTextSet to(FileSet set) {
    return new WriteTextSet(set);
  }

  @Override
  public PCollection<String> expand(PCollection<KV<String, String>> texts) {
    checkArgument(set != null, "no file set given");
    return texts
        .apply("StageFiles", ParDo.of(new StageTextFn(set)))
        .setCoder(StagedFile.Coder.of())
        .apply("CommitFiles", CommitFileSet.of(set));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("fileSet", set.toString()).withLabel("File set"));
  }

  private static final class StageTextFn extends DoFn<KV<String, String>, StagedFile> {
    private static final long serialVersionUID = 1L;
    private final FileSet set;

    StageTextFn(FileSet set) {
      this.set = set;
    }

    @ProcessElement
    public void process(@Element KV<String, String> text, OutputReceiver<StagedFile> out)
        throws IOException {
      out.output(set.stage(text.getKey(), text.getValue()));
    }
  }
}
