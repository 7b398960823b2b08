package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.yt8m.model.io.Vocabulary;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.PrecisionRecallPoint;

/**
 * report.html: one self-contained page a person opens instead of reading JSON. The summary
 * figures, the precision-recall curve behind GAP, AP per class against the class's positives,
 * and the 20 best and worst classes. Inline SVG and CSS only: no scripts, fonts or anything
 * else fetched from the network.
 */
final class EvaluationHtml {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int MARGIN = 48;
  private static final int TABLE_ROWS = 20;

  private EvaluationHtml() {}

  /**
   * The page, from the metrics and the metrics.json written beside it; with
   * {@code vocabulary}, classes shown by name and vertical, and a table of AP per vertical.
   */
  static String render(EvaluationMetrics metrics, JsonNode metricsJson,
      @Nullable Vocabulary vocabulary) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>yt8m-beam evaluation</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em;max-width:760px;color:#222}\n")
        .append("table{border-collapse:collapse;margin:1em 0}\n")
        .append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}\n")
        .append("th{background:#f2f2f2}td.l,th.l{text-align:left}\n")
        .append("svg text{font-size:11px;font-family:sans-serif}\n")
        .append("</style>\n</head>\n<body>\n<h1>Evaluation</h1>\n<p>");
    line(html, "Shards", metricsJson.path("eval_data_pattern").asText());
    line(html, "Predictions", metricsJson.path("predictions").asText());
    line(html, "Evaluated at", metricsJson.path("evaluated_at").asText());
    html.append("</p>\n<table>\n");
    row(html, "Examples", String.format(Locale.ROOT, "%,d", metrics.examples()));
    row(html, "Hit@1", figure(metrics.hitAtOne()));
    row(html, "PERR", figure(metrics.perr()));
    row(html, "GAP (top " + metricsJson.path("top_k").asInt() + ")", figure(metrics.gap()));
    row(html, "mAP", figure(metrics.map()));
    row(html, "Classes with positives", String.valueOf(metrics.numClassesWithPositives()));
    for (String count : EvaluationReport.FILE_MODE_COUNTS) {
      row(html, count.replace('_', ' '), String.valueOf(metricsJson.path(count).asLong()));
    }
    html.append("</table>\n");
    if (vocabulary != null) {
      html.append("<h2>AP per vertical</h2>\n");
      verticalTable(html, EvaluationReport.apPerVertical(metrics.perClass(), vocabulary));
    }
    html.append("<h2>Precision-recall curve behind GAP</h2>\n");
    curve(html, metrics.gapCurve());
    html.append("<h2>AP per class against its number of positives</h2>\n");
    scatter(html, metrics.perClass(), vocabulary);
    List<ClassAp> ranked = new ArrayList<>(metrics.perClass());
    ranked.sort(Comparator.comparingDouble(ClassAp::ap).reversed()
        .thenComparing(Comparator.comparingLong(ClassAp::positives).reversed()));
    html.append("<h2>The ").append(Math.min(TABLE_ROWS, ranked.size()))
        .append(" best classes</h2>\n");
    classTable(html, ranked.subList(0, Math.min(TABLE_ROWS, ranked.size())), vocabulary);
    List<ClassAp> worst = new ArrayList<>(ranked.subList(Math.max(0, ranked.size() - TABLE_ROWS),
        ranked.size()));
    java.util.Collections.reverse(worst);
    html.append("<h2>The ").append(worst.size()).append(" worst classes</h2>\n");
    classTable(html, worst, vocabulary);
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void curve(StringBuilder html, List<PrecisionRecallPoint> points) {
    svgStart(html, "recall", "precision");
    axisTicks(html, 0, 1, false);
    StringBuilder polyline = new StringBuilder();
    for (PrecisionRecallPoint point : points) {
      polyline.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(point.recall()),
          y(point.precision())));
    }
    html.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"")
        .append(polyline.toString().trim()).append("\"/>\n</svg>\n");
  }

  private static void scatter(StringBuilder html, List<ClassAp> classes,
      @Nullable Vocabulary vocabulary) {
    long maxPositives = classes.stream().mapToLong(ClassAp::positives).max().orElse(1);
    double logMax = Math.max(1, Math.log10(maxPositives));
    svgStart(html, "positives (log scale, 1 to " + maxPositives + ")", "AP");
    axisTicks(html, 1, maxPositives, true);
    for (ClassAp classAp : classes) {
      html.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#d62728\" fill-opacity=\"0.5\">"
              + "<title>%s: AP %.4f, %d positives</title></circle>\n",
          x(Math.log10(classAp.positives()) / logMax), y(classAp.ap()),
          escape(vocabulary == null ? "class " + classAp.classId()
              : classAp.classId() + " " + vocabulary.name(classAp.classId())),
          classAp.ap(), classAp.positives()));
    }
    html.append("</svg>\n");
  }

  private static void svgStart(StringBuilder html, String xLabel, String yLabel) {
    html.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n", WIDTH, HEIGHT, WIDTH,
        HEIGHT));
    html.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            + "fill=\"none\" stroke=\"#999\"/>%n", MARGIN, MARGIN / 2, WIDTH - 2 * MARGIN,
        HEIGHT - 2 * MARGIN));
    html.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s"
        + "</text>%n", WIDTH / 2, HEIGHT - 8, escape(xLabel)));
    html.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 12 %d)\">%s</text>%n", HEIGHT / 2, HEIGHT / 2,
        escape(yLabel)));
  }

  private static void axisTicks(StringBuilder html, double xMin, double xMax, boolean logX) {
    for (double t = 0; t <= 1.0001; t += 0.25) {
      String xTick = logX ? String.format(Locale.ROOT, "%.0f",
          Math.pow(10, t * Math.max(1, Math.log10(xMax)))) : String.format(Locale.ROOT, "%.2f",
          xMin + t * (xMax - xMin));
      html.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" "
          + "text-anchor=\"middle\">%s</text>%n", x(t), HEIGHT - MARGIN / 2 - 6, xTick));
      html.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" "
          + "text-anchor=\"end\">%.2f</text>%n", MARGIN - 4, y(t) + 4, t));
    }
  }

  private static double x(double fraction) {
    return MARGIN + fraction * (WIDTH - 2 * MARGIN);
  }

  private static double y(double fraction) {
    return MARGIN / 2.0 + (1 - fraction) * (HEIGHT - 2 * MARGIN);
  }

  private static void classTable(StringBuilder html, List<ClassAp> classes,
      @Nullable Vocabulary vocabulary) {
    html.append("<table>\n<tr><th>class</th>").append(vocabulary == null ? ""
        : "<th class=\"l\">name</th><th class=\"l\">vertical</th>")
        .append("<th>AP</th><th>positives</th><th>predictions</th></tr>\n");
    for (ClassAp classAp : classes) {
      html.append("<tr><td>").append(classAp.classId()).append("</td>");
      if (vocabulary != null) {
        html.append("<td class=\"l\">").append(escape(vocabulary.name(classAp.classId())))
            .append("</td><td class=\"l\">")
            .append(escape(vocabulary.vertical(classAp.classId()))).append("</td>");
      }
      html.append(String.format(Locale.ROOT, "<td>%.4f</td><td>%,d</td><td>%,d</td></tr>%n",
          classAp.ap(), classAp.positives(), classAp.predictions()));
    }
    html.append("</table>\n");
  }

  private static void verticalTable(StringBuilder html,
      List<EvaluationReport.VerticalAp> verticals) {
    html.append("<table>\n<tr><th class=\"l\">vertical</th><th>classes evaluated</th>"
        + "<th>mean AP</th><th>positives</th></tr>\n");
    for (EvaluationReport.VerticalAp vertical : verticals) {
      html.append("<tr><td class=\"l\">").append(escape(vertical.vertical().isEmpty()
          ? "(none)" : vertical.vertical())).append(String.format(Locale.ROOT,
          "</td><td>%,d</td><td>%.4f</td><td>%,d</td></tr>%n", vertical.classes(),
          vertical.meanAp(), vertical.positives()));
    }
    html.append("</table>\n");
  }

  private static void line(StringBuilder html, String label, String value) {
    html.append("<b>").append(escape(label)).append(":</b> ").append(escape(value))
        .append("<br>\n");
  }

  private static void row(StringBuilder html, String label, String value) {
    html.append("<tr><th class=\"l\">").append(escape(label)).append("</th><td>")
        .append(escape(value)).append("</td></tr>\n");
  }

  private static String figure(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
