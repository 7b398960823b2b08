package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.jspecify.annotations.Nullable;

/**
 * Commits a {@link FileSet} once every one of its files is staged: the files its writers output
 * ({@link FileSet#stage}) are gathered into one element, and one DoFn runs
 * {@link FileSet#commit}. Outputs the manifest's text once the set is in place.
 *
 * <p>On Dataflow, where bundles are retried and may run twice, this is as safe as Beam's own
 * {@code WriteFiles} (temporary files, then a finalizing step after a GroupByKey): a writer's
 * failed or duplicated attempt rewrites the same staged file with the same bytes, each file whole
 * (temporary name, then rename); the GroupByKey hands the commit the files of the successful
 * attempts only, after all of them; and the commit is idempotent, so a retried commit completes
 * what a failed one began. Beam's finalize is not enough here because it renames files into
 * place one by one with nothing to tell a reader that a set is half replaced, and it leaves an
 * earlier set's shards of another count beside the new ones.
 *
 * <pre>{@code
 * FileSet set = FileSet.of(dir, "prepared", names, "manifest.json").withMembers(regex);
 * PCollection<StagedFile> staged = shards.apply(ParDo.of(fnThatCalls(set::stage)));
 * staged.apply("Commit", CommitFileSet.of(set).withManifestFields(fieldsView));
 * }</pre>
 */
public final class CommitFileSet extends PTransform<PCollection<StagedFile>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final FileSet set;
  private final @Nullable PCollectionView<String> fields;

  private CommitFileSet(FileSet set, @Nullable PCollectionView<String> fields) {
    this.set = set;
    this.fields = fields;
  }

  /** Commits {@code set}, whose writers staged the input's files. */
  public static CommitFileSet of(FileSet set) {
    return new CommitFileSet(set, null);
  }

  /**
   * The manifest's leading fields: a singleton view of a JSON object's text (default: none, the
   * manifest lists only the files).
   */
  public CommitFileSet withManifestFields(PCollectionView<String> fields) {
    return new CommitFileSet(set, fields);
  }

  @Override
  public PCollection<String> expand(PCollection<StagedFile> staged) {
    checkArgument(set != null, "no file set given");
    CommitFn commit = new CommitFn(set, fields);
    return staged
        .apply("OneKey", WithKeys.of(""))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StagedFile.Coder.of()))
        .apply("GatherStaged", GroupByKey.create())
        .apply("Commit", fields == null ? ParDo.of(commit)
            : ParDo.of(commit).withSideInput(CommitFn.FIELDS, fields))
        .setCoder(StringUtf8Coder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("fileSet", set.toString()).withLabel("File set"));
  }

  private static final class CommitFn extends DoFn<KV<String, Iterable<StagedFile>>, String> {
    private static final long serialVersionUID = 1L;
    static final String FIELDS = "fields";
    private final FileSet set;
    private final @Nullable PCollectionView<String> fields;

    CommitFn(FileSet set, @Nullable PCollectionView<String> fields) {
      this.set = set;
      this.fields = fields;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      List<StagedFile> staged = new ArrayList<>();
      c.element().getValue().forEach(staged::add);
      ObjectNode head = fields == null ? FileSet.noFields()
          : (ObjectNode) new ObjectMapper().readTree(c.sideInput(fields));
      c.output(set.commit(staged, head));
    }
  }
}
