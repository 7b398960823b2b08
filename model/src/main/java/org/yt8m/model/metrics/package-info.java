/**
 * The starter code's evaluation metrics (eval_util.py), exact: Hit@1, PERR, GAP, per-class AP
 * and mAP, as eval_util.py and average_precision_calculator.py define them, with their tie rule
 * (equal scores form one threshold).
 *
 * <p>The pieces are mergeable so that the Beam combines and a plain loop share them:
 * {@link org.yt8m.model.metrics.TopK} picks a video's top-k, {@link
 * org.yt8m.model.metrics.ScoreCounts} counts positives and predictions per distinct float32
 * score (exact, order-free, merged by addition), and {@link
 * org.yt8m.model.metrics.AveragePrecision} turns sorted counts into AP, bucket by bucket when the
 * counts are split by score range.
 */
package org.yt8m.model.metrics;
