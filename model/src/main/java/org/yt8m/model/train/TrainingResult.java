package org.yt8m.model.train;

import java.util.Map;
import org.yt8m.model.record.RejectReason;

/**
 * What a training run did.
 *
 * @param firstStep the global step it started from (0, or the restored checkpoint's)
 * @param lastStep the global step it ended at
 * @param examples examples trained on in this run
 * @param lastLoss the loss of the last step (NaN when no step ran)
 * @param lastExport the export written last ({@code export/step_N}), or null
 * @param skipped records the decoder rejected, by reason
 */
public record TrainingResult(long firstStep, long lastStep, long examples, double lastLoss,
    String lastExport, Map<RejectReason, Long> skipped) {}
