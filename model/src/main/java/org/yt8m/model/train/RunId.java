package org.yt8m.model.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Which training run a model belongs to. {@code yt8m train} starts a run in a new trainDir and
 * on {@code --startNewModel}, and records it as {@code run_id} in {@code model_flags.json} and in
 * every export's copy of it; evaluation bookkeeping ({@code evaluate --onlyNew}, the history,
 * the eval TensorBoard log) looks only at the exports of the run the trainDir records, so that
 * a replaced model's exports are never scored into the new one's curves.
 *
 * <p>A trainDir or export written before run ids existed has none: all of it is one run,
 * {@link #LEGACY}, which a resumed run continues.
 *
 * @param value the id: {@code yyyyMMdd'T'HHmmss'Z'-} and 6 random hex digits, or {@code legacy}
 */
public record RunId(String value) implements Serializable {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9-]+");
  /** The run of a trainDir or export without a recorded id. */
  public static final RunId LEGACY = new RunId("legacy");
  /** The key in {@code model_flags.json}. */
  public static final String KEY = "run_id";

  private static final DateTimeFormatter STARTED =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  public RunId {
    checkArgument(VALID.matcher(value).matches(), "a run id is letters, digits and '-', got %s",
        value);
  }

  /** A new run, started now: its id sorts by start time, the random part keeps it unique. */
  public static RunId start(Clock clock) {
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    return new RunId(STARTED.format(clock.instant()) + "-" + HexFormat.of().formatHex(random));
  }

  /** The run recorded in {@code model_flags.json}'s text, {@link #LEGACY} when none is. */
  public static RunId in(String modelFlagsJson, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(modelFlagsJson);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not JSON: " + e.getMessage(), e);
    }
    JsonNode id = root == null ? null : root.get(KEY);
    if (id == null || id.isNull()) {
      return LEGACY;
    }
    if (!id.isTextual() || !VALID.matcher(id.asText()).matches()) {
      throw new IllegalArgumentException(source + ": \"" + KEY + "\" must be a run id (letters, "
          + "digits and '-'), got " + id);
    }
    return new RunId(id.asText());
  }

  /**
   * The run recorded in {@code directory/model_flags.json} of {@code dir} ({@code ""}: the
   * trainDir's own): {@link #LEGACY} when the file records none or does not exist.
   */
  public static RunId recordedIn(TrainDir dir, String directory) throws IOException {
    String file = directory.isEmpty() ? ModelFlags.FILE_NAME
        : directory + "/" + ModelFlags.FILE_NAME;
    return dir.readString(file).map(json -> in(json, dir.location() + "/" + file))
        .orElse(LEGACY);
  }

  @Override
  public String toString() {
    return value;
  }
}
