package org.yt8m.model.serving;

import java.util.Locale;
import java.util.logging.Logger;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * How serving sessions are configured, and which device they run on.
 *
 * <p>GPU memory is allocated as needed ({@code gpu_options.allow_growth}): by default TensorFlow
 * takes nearly all of a GPU's memory with its first session, starving anything else on the
 * device. Ops without a GPU kernel run on the CPU ({@code allow_soft_placement}). TensorFlow's
 * thread pools wait for work without spinning ({@code disable_thread_spinning}): between two
 * runs the JVM decodes and formats records on the same cores, and spinning threads take those
 * cycles (see docs/BENCHMARKS.md). The GPU build (Maven profile {@code gpu}) on a machine
 * without CUDA runs everything on the CPU; the first model loaded in a JVM logs one line saying
 * which device scores.
 */
public final class SessionSettings {
  private static final Logger LOG = Logger.getLogger(SessionSettings.class.getName());
  private static final ConfigProto CONFIG = ConfigProto.newBuilder()
      .setAllowSoftPlacement(true)
      .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
      .setExperimental(ConfigProto.Experimental.newBuilder().setDisableThreadSpinning(true))
      .build();
  private static Boolean gpu; // guarded by SessionSettings.class

  private SessionSettings() {}

  /** The session configuration of every loaded model. */
  public static ConfigProto config() {
    return CONFIG;
  }

  /**
   * Whether TensorFlow can run ops on a GPU in this JVM; the first call logs the answer. The
   * probe places one op on {@code /device:GPU:0} with soft placement off, in a session with the
   * same GPU options as the models' (TensorFlow fixes them for the process at its first GPU
   * session), and runs it.
   */
  public static synchronized boolean gpuAvailable() {
    if (gpu == null) {
      gpu = probeGpu();
      int cores = Runtime.getRuntime().availableProcessors();
      LOG.info(gpu
          ? "TensorFlow " + TensorFlow.version() + " scores on the GPU (/device:GPU:0), "
              + "allocating its memory as needed"
          : String.format(Locale.ROOT, "TensorFlow %s found no GPU and scores on the CPU (%d "
              + "cores): this is the CPU build, or the GPU build (-Pgpu) on a machine without "
              + "a CUDA device and driver", TensorFlow.version(), cores));
    }
    return gpu;
  }

  private static boolean probeGpu() {
    ConfigProto strict = CONFIG.toBuilder().setAllowSoftPlacement(false).build();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph).withDevice(DeviceSpec.newBuilder()
          .deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
      var one = tf.identity(tf.constant(1f));
      try (Session session = new Session(graph, strict);
          Result result = session.runner().fetch(one).run()) {
        return result.size() == 1;
      }
    } catch (TFInvalidArgumentException | TensorFlowException e) {
      return false; // "Cannot assign a device for operation": no GPU (or CUDA failed to start)
    }
  }
}
