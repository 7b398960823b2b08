package org.yt8m.pipelines.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.runners.dataflow.DataflowRunner;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The join's groups: few on the DirectRunner, where grouping costs grow with them. */
class EvaluateOptionsTest {
  @Test
  void joinGroupsDependOnTheRunnerUnlessGiven() {
    EvaluateOptions direct = PipelineOptionsFactory.as(EvaluateOptions.class);
    direct.setRunner(DirectRunner.class);
    assertEquals(4, direct.getJoinGroups());
    EvaluateOptions dataflow = PipelineOptionsFactory.as(EvaluateOptions.class);
    dataflow.setRunner(DataflowRunner.class);
    assertEquals(32, dataflow.getJoinGroups());
    assertEquals(7, PipelineOptionsFactory.fromArgs("--joinGroups=7")
        .as(EvaluateOptions.class).getJoinGroups());
  }
}
