package org.yt8m.transforms.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.Combine.AccumulatingCombineFn.Accumulator;
import org.yt8m.transforms.io.DeadLetter;

/**
 * Mergeable dead-letter statistics: a count per reason and, per reason, the first few dead
 * letters by file and position (so which examples a report shows does not depend on the order
 * workers ran in). A combine accumulator, hence mutable; {@link DeadLetterStatsCoder} encodes it.
 */
public final class DeadLetterStats
    implements Accumulator<DeadLetter, DeadLetterStats, DeadLetterStats>, Serializable {
  // Serializable too: Combine.globally keeps the empty input's output value in its DoFn.
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Examples kept per reason. */
  public static final int EXAMPLES_PER_REASON = 5;

  final SortedMap<String, Long> counts = new TreeMap<>();
  final SortedMap<String, List<DeadLetter>> examples = new TreeMap<>();

  /** Counts one dead letter. */
  public DeadLetterStats add(DeadLetter letter) {
    addInput(letter);
    return this;
  }

  /** Adds {@code other}'s counts and examples to these. */
  public DeadLetterStats merge(DeadLetterStats other) {
    mergeAccumulator(other);
    return this;
  }

  @Override
  public void addInput(DeadLetter letter) {
    counts.merge(letter.reason(), 1L, Long::sum);
    keepExamples(letter.reason(), List.of(letter));
  }

  @Override
  public void mergeAccumulator(DeadLetterStats other) {
    other.counts.forEach((reason, count) -> counts.merge(reason, count, Long::sum));
    other.examples.forEach(this::keepExamples);
  }

  @Override
  public DeadLetterStats extractOutput() {
    return this;
  }

  private void keepExamples(String reason, List<DeadLetter> letters) {
    List<DeadLetter> kept = new ArrayList<>(examples.getOrDefault(reason, List.of()));
    kept.addAll(letters);
    kept.sort(DeadLetter.BY_PLACE);
    examples.put(reason, List.copyOf(kept.subList(0, Math.min(EXAMPLES_PER_REASON,
        kept.size()))));
  }

  /** Dead letters per reason code, sorted by reason. */
  public SortedMap<String, Long> counts() {
    return counts;
  }

  /** The first dead letters of each reason, by file and position. */
  public SortedMap<String, List<DeadLetter>> examples() {
    return examples;
  }

  /**
   * The statistics as report keys: {@code invalid} (reason to count) and
   * {@code invalid_examples} (reason to its first dead letters' file, record, id and message).
   */
  public ObjectNode toJson() {
    ObjectNode json = JSON.createObjectNode();
    ObjectNode invalid = json.putObject("invalid");
    counts.forEach(invalid::put);
    ObjectNode byReason = json.putObject("invalid_examples");
    examples.forEach((reason, letters) -> {
      ArrayNode list = byReason.putArray(reason);
      letters.forEach(letter -> {
        ObjectNode example = list.addObject();
        example.put("file", letter.source());
        example.put("record", letter.position());
        example.put("id", letter.recordId());
        example.put("message", letter.message());
      });
    });
    return json;
  }

  /** All dead letters. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
