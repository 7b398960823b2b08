package org.yt8m.pipelines.evaluate;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.yt8m.transforms.io.FileSet;
import org.yt8m.transforms.io.WriteTextSet;

/**
 * The files of an evaluation ({@code metrics.json}, {@code per_class_ap.csv} and, but for
 * segment mode, {@code report.html}), committed in {@code --outputDir} as one set with
 * {@code evaluation.manifest.json} written last: they appear together or not at all, and a
 * rerun without the report removes an earlier one.
 */
final class EvaluationFiles {
  static final String MANIFEST = "evaluation.manifest.json";

  private static final String MEMBERS = Stream.of(EvaluationReport.METRICS_FILE,
      EvaluationReport.PER_CLASS_FILE, EvaluationReport.REPORT_FILE)
      .map(Pattern::quote).collect(Collectors.joining("|"));

  private EvaluationFiles() {}

  /**
   * Writes each text (a singleton) under its file name into {@code outputDir}; outputs the
   * manifest's text once all are in place.
   */
  static PCollection<String> write(String outputDir, Map<String, PCollection<String>> texts) {
    List<String> names = texts.keySet().stream().sorted().toList();
    PCollectionList<KV<String, String>> keyed = PCollectionList.empty(
        texts.values().iterator().next().getPipeline());
    for (String name : names) {
      keyed = keyed.and(texts.get(name).apply("As " + name, WithKeys.of(name))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    }
    return keyed.apply("AllFiles", Flatten.pCollections())
        .apply("WriteFiles", WriteTextSet.to(FileSet.of(outputDir, "evaluation", names,
            MANIFEST).withMembers(MEMBERS)));
  }
}
