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
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes the single element of a {@code PCollection} (a report, a set of metrics) as one
 * pretty-printed JSON file, atomically: to a temporary file beside it, then renamed over it, so
 * readers never see half a file and a rerun replaces the old one whole.
 *
 * <pre>{@code
 * summary.apply("WriteReport", WriteJsonFile.<ShardSummary>to("gs://b/report.json")
 *     .via(s -> s.toJson(false)));
 * }</pre>
 */
public final class WriteJsonFile<T> extends PTransform<PCollection<T>, PDone> {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final SerializableFunction<T, ? extends JsonNode> toJson;

  private WriteJsonFile(String path, SerializableFunction<T, ? extends JsonNode> toJson) {
    this.path = path;
    this.toJson = toJson;
  }

  /** Writes to {@code path}, a local path or any Beam file system's (e.g. gs://). */
  public static <T> WriteJsonFile<T> to(String path) {
    return new WriteJsonFile<>(path, null);
  }

  /** How to render the element. */
  public WriteJsonFile<T> via(SerializableFunction<T, ? extends JsonNode> toJson) {
    return new WriteJsonFile<>(path, toJson);
  }

  @Override
  public PDone expand(PCollection<T> input) {
    checkArgument(path != null && !path.isEmpty(), "no output path given");
    checkArgument(toJson != null, "no rendering given: call via()");
    input.apply("WriteJson", ParDo.of(new WriteFn<>(path, toJson)));
    return PDone.in(input.getPipeline());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("path", path).withLabel("Output file"));
  }

  private static final class WriteFn<T> extends DoFn<T, Void> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;
    private final SerializableFunction<T, ? extends JsonNode> toJson;

    WriteFn(String path, SerializableFunction<T, ? extends JsonNode> toJson) {
      this.path = path;
      this.toJson = toJson;
    }

    @ProcessElement
    public void process(@Element T element) throws IOException {
      write(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
          toJson.apply(element)) + "\n");
    }
  }

  /** Writes {@code text} to {@code path} atomically (temporary file, then rename). */
  public static void write(String path, String text) throws IOException {
    ResourceId target = FileSystems.matchNewResource(path, false);
    ResourceId temporary = target.getCurrentDirectory().resolve(
        "." + target.getFilename() + "." + UUID.randomUUID() + ".tmp",
        org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(
        FileSystems.create(temporary, MimeTypes.TEXT))) {
      out.write(text.getBytes(UTF_8));
    }
    FileSystems.rename(List.of(temporary), List.of(target),
        StandardMoveOptions.IGNORE_MISSING_FILES);
  }
}
