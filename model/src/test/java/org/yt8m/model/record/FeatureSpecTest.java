package org.yt8m.model.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {
  @Test
  void parsesTheFlagForm() {
    FeatureSpec spec = FeatureSpec.parse("mean_rgb, mean_audio", "1024,128");
    assertEquals(List.of("mean_rgb", "mean_audio"), spec.names());
    assertEquals(1152, spec.totalSize());
    assertEquals("mean_rgb,mean_audio", spec.namesFlag());
    assertEquals("1024,128", spec.sizesFlag());
  }

  @Test
  void namesTheBadValue() {
    assertEquals("feature size 'x' in '1024,x' is not an integer",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureSpec.parse("a,b", "1024,x")).getMessage());
    assertEquals("2 feature names [a, b] but 1 feature sizes [3]: give one size per name",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureSpec.parse("a,b", "3")).getMessage());
    assertEquals("feature b has size 0: sizes must be positive",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureSpec.parse("a,b", "3,0")).getMessage());
    assertEquals("labels is the record's id or labels key, not a feature",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureSpec.parse("labels", "3")).getMessage());
    assertEquals("duplicate feature name in [a, a]",
        assertThrows(IllegalArgumentException.class,
            () -> FeatureSpec.parse("a,a", "3,3")).getMessage());
  }
}
