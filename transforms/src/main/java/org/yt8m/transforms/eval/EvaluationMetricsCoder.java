package org.yt8m.transforms.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.yt8m.model.metrics.ClassAp;
import org.yt8m.model.metrics.EvaluationMetrics;
import org.yt8m.model.metrics.PrecisionRecallPoint;

/** Encodes {@link EvaluationMetrics} with its per-class table. */
public final class EvaluationMetricsCoder extends AtomicCoder<EvaluationMetrics> {
  private static final EvaluationMetricsCoder INSTANCE = new EvaluationMetricsCoder();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final DoubleCoder DOUBLE = DoubleCoder.of();

  private EvaluationMetricsCoder() {}

  public static EvaluationMetricsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(EvaluationMetrics metrics, OutputStream out) throws IOException {
    LONG.encode(metrics.examples(), out);
    DOUBLE.encode(metrics.hitAtOne(), out);
    DOUBLE.encode(metrics.perr(), out);
    DOUBLE.encode(metrics.gap(), out);
    DOUBLE.encode(metrics.map(), out);
    LONG.encode((long) metrics.numClassesWithPositives(), out);
    LONG.encode((long) metrics.perClass().size(), out);
    for (ClassAp classAp : metrics.perClass()) {
      LONG.encode((long) classAp.classId(), out);
      DOUBLE.encode(classAp.ap(), out);
      LONG.encode(classAp.positives(), out);
      LONG.encode(classAp.predictions(), out);
    }
    LONG.encode((long) metrics.gapCurve().size(), out);
    for (PrecisionRecallPoint point : metrics.gapCurve()) {
      LONG.encode((long) Float.floatToIntBits(point.score()), out);
      DOUBLE.encode(point.recall(), out);
      DOUBLE.encode(point.precision(), out);
    }
  }

  @Override
  public EvaluationMetrics decode(InputStream in) throws IOException {
    long examples = LONG.decode(in);
    double hitAtOne = DOUBLE.decode(in);
    double perr = DOUBLE.decode(in);
    double gap = DOUBLE.decode(in);
    double map = DOUBLE.decode(in);
    int withPositives = (int) (long) LONG.decode(in);
    int size = (int) (long) LONG.decode(in);
    List<ClassAp> perClass = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      perClass.add(new ClassAp((int) (long) LONG.decode(in), DOUBLE.decode(in),
          LONG.decode(in), LONG.decode(in)));
    }
    int points = (int) (long) LONG.decode(in);
    List<PrecisionRecallPoint> curve = new ArrayList<>(points);
    for (int i = 0; i < points; i++) {
      curve.add(new PrecisionRecallPoint(Float.intBitsToFloat((int) (long) LONG.decode(in)),
          DOUBLE.decode(in), DOUBLE.decode(in)));
    }
    return new EvaluationMetrics(examples, hitAtOne, perr, gap, map, withPositives, perClass,
        curve);
  }

  @Override
  public void verifyDeterministic() {}
}
