package org.yt8m.pipelines.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.ParDo;
import org.yt8m.model.io.Yt8mDecoder;
import org.yt8m.model.record.RatedVideo;
import org.yt8m.model.train.ModelFlags;
import org.yt8m.model.train.input.SegmentExamples;
import org.yt8m.transforms.eval.EvaluateSegments;
import org.yt8m.transforms.infer.EvaluateSegmentModel;
import org.yt8m.transforms.infer.ModelLocation;
import org.yt8m.transforms.infer.ScoreVideos;
import org.yt8m.transforms.io.FileSystemsShards;
import org.yt8m.transforms.io.ReadResult;
import org.yt8m.transforms.io.Yt8mIO;

/**
 * {@code evaluate --trainDir --segmentLabels}: an export's 2019 segment evaluation
 * ({@link EvaluateSegmentModel}: the submission the model would make, scored as a submission
 * file is), written like a video-level model evaluation to {@code trainDir/eval/step_N/}, the
 * history and the eval TensorBoard log. Refuses a video-level model and shards without segment
 * fields before any work.
 */
final class SegmentModelEvaluation {
  private SegmentModelEvaluation() {}

  static PipelineResult run(EvaluateOptions options, ModelVersion version, ModelLocation model)
      throws IOException {
    ModelFlags flags = model.flags();
    if (!flags.frameFeatures()) {
      throw new IllegalArgumentException("--segmentLabels scores 5-frame segments of "
          + "frame-level shards, but " + flags.model() + " (" + model + ") is a video-level "
          + "model");
    }
    String pattern = options.getEvalDataPattern();
    SegmentExamples.requireRated(FileSystemsShards.matching(pattern, options.getCompression()),
        new Yt8mDecoder(flags.features(), flags.numClasses(), flags.config().maxFrames()));
    Pipeline pipeline = Pipeline.create(options);
    ReadResult<RatedVideo> shards = pipeline.apply("ReadRatedVideos",
        Yt8mIO.readRatedVideos(pattern, RatedVideo.SEGMENT_FRAMES)
            .withFeatures(flags.features()).withNumClasses(flags.numClasses())
            .withMaxFrames(flags.config().maxFrames())
            .withCompression(options.getCompression()));
    EvaluateSegments.Result result = shards.records().apply("EvaluateSegmentModel",
        EvaluateSegmentModel.scoredBy(ScoreVideos.with(model)
                .withBatchSize(options.getBatchSize()).withTopK(options.getTopK()))
            .withNumClasses(flags.numClasses()).withTopN(options.getTopN()));
    ObjectNode context = EvaluationReport.segmentContext(pattern, null,
        Instant.now().toString());
    context.put("train_dir", options.getTrainDir());
    context.put("model_version", version.name());
    context.put("global_step", version.step());
    context.put("model", flags.model());
    context.put("top_k", options.getTopK());
    EvaluatePipeline.writeSegmentOutputs(options, result, shards.deadLetters(), context)
        .apply("RecordHistory", ParDo.of(new EvaluatePipeline.RecordHistoryFn(
            options.getTrainDir(), version)));
    return pipeline.run();
  }
}
