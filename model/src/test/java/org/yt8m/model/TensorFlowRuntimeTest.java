package org.yt8m.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The stack's one risky pairing, checked: TensorFlow Java 1.0.0's natives load and run a graph
 * with protobuf pinned to 4.33.2 (TF brings 3.21.9, which the GCP libraries cannot use).
 */
class TensorFlowRuntimeTest {
  @Test
  void nativesLoadAndRunAGraph() {
    assertEquals("2.16.2", TensorFlow.version());
    try (ConcreteFunction square = ConcreteFunction.create(tf -> {
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.scalar()));
      return Signature.builder().input("x", x).output("y", tf.math.square(x)).build();
    });
        TFloat32 x = TFloat32.scalarOf(3f);
        TFloat32 y = (TFloat32) square.call(x)) {
      assertEquals(9f, y.getFloat());
    }
  }

}
