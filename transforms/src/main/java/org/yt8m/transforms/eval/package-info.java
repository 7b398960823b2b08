/**
 * Evaluation as Beam transforms: the starter code's metrics, exactly, on any number of workers.
 *
 * <p>{@link org.yt8m.transforms.eval.EvaluateVideos} takes each video's ranked predictions and
 * labels. Per-video work happens in one DoFn that pre-aggregates per bundle: Hit@1 and PERR
 * totals, positives per class, and exact {@link org.yt8m.model.metrics.ScoreCounts} keyed by
 * (class or GAP, score bucket). Those are combined per key; each bucket's part of AP is computed
 * with the totals of the buckets above it (a small side input); parts are added per class in
 * descending bucket order, so the figures do not depend on bundling or order.
 */
package org.yt8m.transforms.eval;
