package org.yt8m.model.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DequantizationTest {
  @Test
  void matchesTheStarterCodesTwoRoundedSteps() {
    for (int q = 0; q < 256; q++) {
      float scaled = q * (float) (4.0 / 255.0);
      float expected = scaled + (-1.9921875f);
      assertEquals(Float.floatToRawIntBits(expected),
          Float.floatToRawIntBits(Dequantization.dequantize((byte) q)), "byte " + q);
    }
    assertEquals(-1.9921875f, Dequantization.dequantize((byte) 0));
    assertEquals(2.0078125f, Dequantization.dequantize((byte) 255));
  }

  @Test
  void quantizeInvertsDequantize() {
    for (int q = 0; q < 256; q++) {
      assertEquals((byte) q, Dequantization.quantize(Dequantization.dequantize((byte) q)));
    }
    assertEquals(0, Dequantization.quantize(-5f));
    assertEquals((byte) 255, Dequantization.quantize(5f));
  }
}
