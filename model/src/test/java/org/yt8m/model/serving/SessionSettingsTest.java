package org.yt8m.model.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionSettingsTest {
  /**
   * TensorFlow must not take a whole GPU, ops without a GPU kernel must still run, and idle
   * TensorFlow threads must leave the cores to the JVM.
   */
  @Test
  void gpuMemoryGrowsAsNeededPlacementIsSoftAndThreadsDoNotSpin() {
    assertTrue(SessionSettings.config().getGpuOptions().getAllowGrowth());
    assertTrue(SessionSettings.config().getAllowSoftPlacement());
    assertTrue(SessionSettings.config().getExperimental().getDisableThreadSpinning());
  }

  /** The probe answers (false on the CPU build, whatever the machine) and keeps its answer. */
  @Test
  void theDeviceProbeAnswersOnce() {
    boolean first = SessionSettings.gpuAvailable();
    assertEquals(first, SessionSettings.gpuAvailable());
  }
}
