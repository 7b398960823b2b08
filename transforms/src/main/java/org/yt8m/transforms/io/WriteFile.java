package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes the single element of a {@code PCollection} (a report, a set of metrics, a table) as
 * one file, atomically: to a temporary file beside it, then renamed over it, so readers never
 * see half a file and a rerun replaces the old one whole. Its output is the path once written,
 * a signal for steps that must come after ({@code Wait.on}).
 *
 * <pre>{@code
 * summary.apply("WriteReport", WriteFile.<ShardSummary>to("gs://b/report.json")
 *     .via(s -> WriteFile.json(s.toJson(false))));
 * }</pre>
 */
public final class WriteFile<T> extends PTransform<PCollection<T>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String path;
  private final SerializableFunction<T, String> render;

  private WriteFile(String path, SerializableFunction<T, String> render) {
    this.path = path;
    this.render = render;
  }

  /** Writes to {@code path}, a local path or any Beam file system's (e.g. gs://). */
  public static <T> WriteFile<T> to(String path) {
    return new WriteFile<>(path, null);
  }

  /** How to render the element as the file's text. */
  public WriteFile<T> via(SerializableFunction<T, String> render) {
    return new WriteFile<>(path, render);
  }

  /** {@code json} pretty-printed, with a final newline: how this project writes JSON files. */
  public static String json(JsonNode json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("JSON that cannot be written: " + e.getMessage(), e);
    }
  }

  @Override
  public PCollection<String> expand(PCollection<T> input) {
    checkArgument(path != null && !path.isEmpty(), "no output path given");
    checkArgument(render != null, "no rendering given: call via()");
    return input.apply("Write", ParDo.of(new WriteFn<>(path, render)))
        .setCoder(StringUtf8Coder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Output file"));
  }

  private static final class WriteFn<T> extends DoFn<T, String> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final SerializableFunction<T, String> render;

    WriteFn(String path, SerializableFunction<T, String> render) {
      this.path = path;
      this.render = render;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<String> written)
        throws IOException {
      write(path, render.apply(element));
      written.output(path);
    }
  }

  /** Writes {@code text} to {@code path} atomically (temporary file, then rename). */
  public static void write(String path, String text) throws IOException {
    write(path, MimeTypes.TEXT, out -> out.write(text.getBytes(UTF_8)));
  }

  /**
   * Writes what {@code body} writes to {@code path} atomically: to a temporary file in the same
   * directory ({@code .NAME.UUID.tmp}, which no glob for the final names matches), then renamed
   * over {@code path}; a retried or duplicated writer of the same bytes is harmless.
   */
  public static void write(String path, String mimeType, Body body) throws IOException {
    ResourceId target = FileSystems.matchNewResource(path, false);
    write(path, "." + target.getFilename() + "." + UUID.randomUUID() + ".tmp", mimeType, body);
  }

  /**
   * As {@link #write(String, String, Body)}, through the temporary file {@code temporaryName}
   * in {@code path}'s directory: for a directory whose sweep of killed writes knows its own
   * names. When the body or the rename fails, the temporary is deleted (as far as it can be)
   * and the error, naming {@code path}, is thrown; a temporary that is gone when it is to be
   * renamed (another process swept it) is such an error, not a write.
   */
  public static void write(String path, String temporaryName, String mimeType, Body body)
      throws IOException {
    ResourceId target = FileSystems.matchNewResource(path, false);
    ResourceId temporary = target.getCurrentDirectory().resolve(temporaryName,
        StandardResolveOptions.RESOLVE_FILE);
    try {
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(temporary,
          mimeType))) {
        body.writeTo(out);
      } catch (IOException e) { // "No space left on device" says nothing of where
        throw new IOException("cannot write " + path + ": " + e.getMessage(), e);
      }
      try {
        FileSystems.rename(List.of(temporary), List.of(target));
      } catch (IOException e) {
        throw new IOException("cannot write " + path + ": renaming its temporary " + temporary
            + " into place failed (" + e + ")", e);
      }
    } catch (IOException | RuntimeException e) {
      try {
        FileSystems.delete(List.of(temporary), StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException | RuntimeException notDeleted) {
        e.addSuppressed(notDeleted);
      }
      throw e;
    }
  }

  /** What a file holds, written to a stream that the caller closes. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }
}
