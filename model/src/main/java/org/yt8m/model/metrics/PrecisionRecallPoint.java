package org.yt8m.model.metrics;

/**
 * One point of a precision-recall curve: at the threshold {@code score}, the precision and
 * recall of all predictions scoring at least that.
 */
public record PrecisionRecallPoint(float score, double recall, double precision) {}
