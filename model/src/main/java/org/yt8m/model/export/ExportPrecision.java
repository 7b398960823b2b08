package org.yt8m.model.export;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How an export stores its weights ({@code --exportPrecision}): as trained, in float32, or in
 * half precision, which halves their size; a float16 export reads each weight once through a
 * {@code Cast} to float32 and computes in float32 from there, so it serves like any export.
 */
public enum ExportPrecision {
  FLOAT32("float32"),
  FLOAT16("float16");

  private final String flagValue;

  ExportPrecision(String flagValue) {
    this.flagValue = flagValue;
  }

  /** The precision {@code --exportPrecision=NAME} names, or an error that lists the names. */
  public static ExportPrecision byName(String name) {
    return Arrays.stream(values()).filter(p -> p.flagValue.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--exportPrecision must be one of "
            + Arrays.stream(values()).map(ExportPrecision::flagValue)
                .collect(Collectors.joining(", ")) + ", got " + name));
  }

  /** The value {@code --exportPrecision} and {@code model_flags.json} spell it with. */
  public String flagValue() {
    return flagValue;
  }
}
