package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableComparator;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.jspecify.annotations.Nullable;

/**
 * Writes text lines under a header line: one file by default, or {@code numShards} files named
 * after it ({@code out.csv} → {@code out-00000-of-00004.csv}), each with the header. Each file's
 * lines are sorted (text order unless told otherwise), so the same lines give the same bytes
 * however they were bundled. Every file is written, header only when no line falls in it.
 * Outputs the paths written, once they are in place.
 *
 * <p>The files are one {@link FileSet}, committed whole ({@link CommitFileSet}): staged beside
 * the destination, then moved into place together, the manifest {@code out.csv.manifest.json}
 * written last. What an earlier run wrote for the name {@code out.csv} and this run does not
 * write is removed at the commit: the shards of another count, or the one file.
 *
 * <p>A file of any size is sorted in bounded memory, as an external sort: each bundle's lines
 * (at most {@value #MAX_BUFFERED_CHARS} characters at a time) are sorted and written as a run
 * into the set's staging directory ({@link LineRuns}); only the runs' paths are grouped by file,
 * and each file's writer merges its runs. So neither a worker nor the DirectRunner, which
 * groups in memory and copies a key's values each time a bundle adds to it, ever holds the
 * lines of a file, and on Dataflow the shuffle carries paths, not lines. The runs go with the
 * staging directory at the commit. Lines are spread over shards by their hash. Counter
 * {@code lines_written}.
 */
public final class WriteSortedLines extends PTransform<PCollection<String>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  /** A run is written when a writer holds this many characters of lines, or its bundle ends. */
  static final long MAX_BUFFERED_CHARS = 16L << 20;
  private static final KvCoder<Integer, @Nullable String> RUNS = KvCoder.of(VarIntCoder.of(),
      NullableCoder.of(StringUtf8Coder.of()));

  private final String path;
  private final String header;
  private final int numShards;
  private final @Nullable SerializableComparator<String> order;
  private @Nullable FileSet set;

  private WriteSortedLines(String path, String header, int numShards,
      @Nullable SerializableComparator<String> order) {
    this.path = path;
    this.header = header;
    this.numShards = numShards;
    this.order = order;
  }

  /** Writes to {@code path}, a local path or any Beam file system's (e.g. gs://). */
  public static WriteSortedLines to(String path) {
    return new WriteSortedLines(path, null, 0, null);
  }

  /** The first line of every file. */
  public WriteSortedLines withHeader(String header) {
    return new WriteSortedLines(path, header, numShards, order);
  }

  /** 0 (the default) writes the one file {@code path}; N > 0 writes N shards named after it. */
  public WriteSortedLines withNumShards(int numShards) {
    return new WriteSortedLines(path, header, numShards, order);
  }

  /** How each file's lines are ordered (default: text order). */
  public WriteSortedLines orderedBy(SerializableComparator<String> order) {
    return new WriteSortedLines(path, header, numShards, order);
  }

  /** The manifest of the files written for {@code path}: {@code path.manifest.json}. */
  public static String manifestName(String path) {
    return FileSystems.matchNewResource(path, false).getFilename() + ".manifest.json";
  }

  /** The name of file {@code shard} of {@code numShards} (0: the one file, {@code path}). */
  public static String fileName(String path, int shard, int numShards) {
    if (numShards == 0) {
      return path;
    }
    ResourceId file = FileSystems.matchNewResource(path, false);
    String name = file.getFilename();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    return file.getCurrentDirectory().resolve(String.format(Locale.ROOT, "%s-%05d-of-%05d%s",
        stem, shard, numShards, extension), StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /**
   * This write's first half done inside a read ({@link Yt8mIO.Read#through}, after a stage that
   * makes lines): each shard's lines sorted into runs, output as (file, run path) for
   * {@link #fromRuns} of this same transform to merge. So a read's lines never become elements,
   * and the DirectRunner, which runs every shard's read before any later step, holds none of
   * them.
   */
  public ShardOutput<String, KV<Integer, @Nullable String>> runsInRead() {
    check();
    FileSet set = set();
    int files = Math.max(numShards, 1);
    TotalOrder total = new TotalOrder(order);
    return new ShardOutput<>(RUNS) {
      private static final long serialVersionUID = 1L;

      @Override
      public Sink<String> open(Receiver<KV<Integer, @Nullable String>> out) {
        RunBuffer buffer = new RunBuffer(set, files, total);
        return new Sink<>() {
          @Override
          public void add(String line) throws Exception {
            if (buffer.add(line)) {
              buffer.writeRuns(out);
            }
          }

          @Override
          public void close() throws Exception {
            buffer.writeRuns(out);
          }
        };
      }
    };
  }

  /**
   * This write's second half: merges the runs of {@link #runsInRead} of this same transform into
   * the files, commits them, and outputs their paths.
   */
  public PTransform<PCollection<KV<Integer, @Nullable String>>, PCollection<String>> fromRuns() {
    check();
    FileSet set = set();
    int files = Math.max(numShards, 1);
    TotalOrder total = new TotalOrder(order);
    String fileHeader = header;
    return new PTransform<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public PCollection<String> expand(PCollection<KV<Integer, @Nullable String>> runs) {
        PCollection<KV<Integer, @Nullable String>> everyFile = runs.getPipeline()
            .apply("EveryFile", Create.of(IntStream.range(0, files)
                .mapToObj(file -> KV.<Integer, @Nullable String>of(file, null)).toList())
                .withCoder(RUNS));
        return PCollectionList.of(runs).and(everyFile)
            .apply("AllRuns", Flatten.pCollections())
            .apply("GroupByFile", GroupByKey.create())
            .apply("MergeRuns", ParDo.of(new MergeRunsFn(set, fileHeader, total)))
            .setCoder(StagedFile.Coder.of())
            .apply("CommitFiles", CommitFileSet.of(set))
            .apply("Paths", FlatMapElements.into(TypeDescriptors.strings())
                .via(manifest -> set.files().stream().map(set::path).toList()));
      }
    };
  }

  @Override
  public PCollection<String> expand(PCollection<String> lines) {
    check();
    checkArgument(lines.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "lines must be in the global window, got %s",
        lines.getWindowingStrategy().getWindowFn());
    return lines
        .apply("SortRuns", ParDo.of(new SortRunsFn(set(), Math.max(numShards, 1),
            new TotalOrder(order))))
        .setCoder(RUNS)
        .apply("WriteFromRuns", fromRuns());
  }

  private void check() {
    checkArgument(path != null && !path.isEmpty(), "no output path given");
    checkArgument(header != null, "no header given: call withHeader()");
    checkArgument(numShards >= 0, "numShards must not be negative, got %s", numShards);
  }

  /** The set, drawn once: {@link #runsInRead} and {@link #fromRuns} share its staging id. */
  private FileSet set() {
    if (set == null) {
      set = fileSet();
    }
    return set;
  }

  /**
   * The files written, as a set that owns every name this path's files may have: the one file
   * and shards of any count.
   */
  private FileSet fileSet() {
    ResourceId file = FileSystems.matchNewResource(path, false);
    String name = file.getFilename();
    List<String> names = IntStream.range(0, Math.max(numShards, 1))
        .mapToObj(shard -> FileSystems.matchNewResource(fileName(path, shard, numShards), false)
            .getFilename())
        .toList();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    return FileSet.of(file.getCurrentDirectory().toString(), name, names, manifestName(path))
        .withMembers(Pattern.quote(name) + "|" + Pattern.quote(stem) + "-\\d{5}-of-\\d{5}"
            + Pattern.quote(extension));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Output file"))
        .add(DisplayData.item("numShards", numShards).withLabel("Shards (0: one file)"));
  }

  /** The caller's order, then text order: the same lines give the same bytes. */
  private static final class TotalOrder implements SerializableComparator<String> {
    private static final long serialVersionUID = 1L;
    private final @Nullable SerializableComparator<String> order;

    TotalOrder(@Nullable SerializableComparator<String> order) {
      this.order = order;
    }

    @Override
    public int compare(String a, String b) {
      int byOrder = order == null ? 0 : order.compare(a, b);
      return byOrder != 0 ? byOrder : a.compareTo(b);
    }
  }

  /** Lines held per file until they are written as sorted runs. */
  private static final class RunBuffer {
    private final FileSet set;
    private final TotalOrder order;
    private final List<List<String>> lines = new ArrayList<>();
    private long chars;

    RunBuffer(FileSet set, int files, TotalOrder order) {
      this.set = set;
      this.order = order;
      for (int file = 0; file < files; file++) {
        lines.add(new ArrayList<>());
      }
    }

    /** Holds {@code line}; true when the buffer is full and its runs are to be written. */
    boolean add(String line) {
      lines.get(Math.floorMod(line.hashCode(), lines.size())).add(line);
      chars += line.length();
      return chars >= MAX_BUFFERED_CHARS;
    }

    /** Writes each file's lines as a sorted run, outputs (file, run path), empties. */
    void writeRuns(ShardOutput.Receiver<KV<Integer, @Nullable String>> out) throws Exception {
      for (int file = 0; file < lines.size(); file++) {
        List<String> held = lines.get(file);
        if (!held.isEmpty()) {
          held.sort(order);
          String run = set.scratchPath("run");
          LineRuns.write(held, run);
          out.output(KV.of(file, run));
          held.clear();
        }
      }
      chars = 0;
    }
  }

  /**
   * Sorts the lines of a bundle per file, in runs of at most {@link #MAX_BUFFERED_CHARS}
   * characters, and outputs each run's path keyed by its file.
   */
  private static final class SortRunsFn extends DoFn<String, KV<Integer, @Nullable String>> {
    private static final long serialVersionUID = 1L;
    private final FileSet set;
    private final int files;
    private final TotalOrder order;
    private transient RunBuffer buffer;

    SortRunsFn(FileSet set, int files, TotalOrder order) {
      this.set = set;
      this.files = files;
      this.order = order;
    }

    @StartBundle
    public void startBundle() {
      buffer = new RunBuffer(set, files, order); // nothing of a failed bundle is carried on
    }

    @ProcessElement
    public void process(@Element String line, OutputReceiver<KV<Integer, @Nullable String>> out)
        throws Exception {
      if (buffer.add(line)) {
        buffer.writeRuns(out::output);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws Exception {
      buffer.writeRuns(run -> context.output(run, GlobalWindow.INSTANCE.maxTimestamp(),
          GlobalWindow.INSTANCE));
    }
  }

  /**
   * Writes one file: its runs merged in order under the header, into the set's staging
   * directory. A null run stands for "this file exists".
   */
  private static final class MergeRunsFn
      extends DoFn<KV<Integer, Iterable<@Nullable String>>, StagedFile> {
    private static final long serialVersionUID = 1L;
    private final FileSet set;
    private final String header;
    private final TotalOrder order;
    private final Counter linesWritten = Metrics.counter(WriteSortedLines.class,
        "lines_written");

    MergeRunsFn(FileSet set, String header, TotalOrder order) {
      this.set = set;
      this.header = header;
      this.order = order;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<@Nullable String>> file,
        OutputReceiver<StagedFile> out) throws IOException {
      List<String> runs = new ArrayList<>();
      for (String run : file.getValue()) {
        if (run != null) {
          runs.add(run);
        }
      }
      long[] lines = new long[1];
      StagedFile staged = set.stage(set.files().get(file.getKey()), MimeTypes.TEXT, stream -> {
        Writer writer = new BufferedWriter(new OutputStreamWriter(stream, UTF_8), 1 << 16);
        writer.write(header);
        writer.write('\n');
        LineRuns.merge(runs, order, () -> set.scratchPath("merged"), line -> {
          writer.write(line);
          writer.write('\n');
          lines[0]++;
        });
        writer.flush();
      });
      linesWritten.inc(lines[0]);
      out.output(staged);
    }
  }
}
