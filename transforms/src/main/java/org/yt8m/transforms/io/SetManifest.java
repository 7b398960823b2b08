package org.yt8m.transforms.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The manifest of a {@link FileSet}: whatever the writer records about the set (its fields),
 * then {@code files} (each file's {@code name}, {@code bytes} and {@code crc32c}),
 * {@code member_pattern} (the regular expression of the file names the set owns, so a reader can
 * tell a stray file of an earlier set from an unrelated one) and {@code complete}: false while a
 * commit moves files into place, which readers refuse. An incomplete manifest also lists in
 * {@code replaces} the files of the earlier set that the new one lacks, which the commit
 * removes: a commit rerun after a kill still knows which files of those names are the set's.
 */
public record SetManifest(String path, List<StagedFile> files, Pattern members,
    boolean complete, List<String> replaces) {
  static final String FILES = "files";
  static final String MEMBER_PATTERN = "member_pattern";
  static final String COMPLETE = "complete";
  static final String REPLACES = "replaces";

  private static final ObjectMapper JSON = new ObjectMapper();

  public SetManifest {
    files = List.copyOf(files);
    replaces = List.copyOf(replaces);
  }

  /** The manifest's JSON text, complete: {@code fields}, then the set's keys. */
  static String render(ObjectNode fields, List<StagedFile> files, String memberPattern) {
    return render(fields, files, memberPattern, true, List.of());
  }

  /** The JSON text of a manifest marked incomplete, that replaces the files {@code replaces}. */
  static String renderIncomplete(ObjectNode fields, List<StagedFile> files, String memberPattern,
      List<String> replaces) {
    return render(fields, files, memberPattern, false, replaces);
  }

  private static String render(ObjectNode fields, List<StagedFile> files, String memberPattern,
      boolean complete, List<String> replaces) {
    ObjectNode json = fields.deepCopy();
    ArrayNode list = json.putArray(FILES);
    for (StagedFile file : files) {
      list.addObject().put("name", file.name()).put("bytes", file.bytes())
          .put("crc32c", file.crc32c());
    }
    json.put(MEMBER_PATTERN, memberPattern);
    json.put(COMPLETE, complete);
    if (!complete) {
      replaces.forEach(json.putArray(REPLACES)::add);
    }
    return WriteFile.json(json);
  }

  /**
   * The set manifest {@code text} of the file {@code path}; empty when it is JSON of another
   * kind (no {@code files} list), such as a manifest written before sets had one.
   */
  public static Optional<SetManifest> parse(String path, String text) throws IOException {
    JsonNode json;
    try {
      json = JSON.readTree(text);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (json == null || !json.path(FILES).isArray() || !json.path(MEMBER_PATTERN).isTextual()
        || !json.path(COMPLETE).isBoolean()) {
      return Optional.empty();
    }
    List<StagedFile> files = new ArrayList<>();
    for (JsonNode file : json.get(FILES)) {
      if (!file.path("name").isTextual() || !file.path("bytes").canConvertToLong()
          || !file.path("crc32c").isTextual()) {
        throw new IOException(path + ": a file entry without name, bytes or crc32c: " + file);
      }
      files.add(new StagedFile(file.get("name").asText(), file.get("bytes").asLong(),
          file.get("crc32c").asText()));
    }
    List<String> replaces = new ArrayList<>();
    for (JsonNode name : json.path(REPLACES)) {
      if (!name.isTextual()) {
        throw new IOException(path + ": a name in " + REPLACES + " that is not text: " + name);
      }
      replaces.add(name.asText());
    }
    return Optional.of(new SetManifest(path, files, Pattern.compile(
        json.get(MEMBER_PATTERN).asText()), json.get(COMPLETE).asBoolean(), replaces));
  }

  /** The entry of the file named {@code name}, if the set has it. */
  public Optional<StagedFile> file(String name) {
    return files.stream().filter(file -> file.name().equals(name)).findFirst();
  }

  /** Whether a file named {@code name} is one the set owns (listed or not). */
  public boolean owns(String name) {
    return members.matcher(name).matches() || file(name).isPresent();
  }
}
