package org.yt8m.model.metrics;

/**
 * One class's average precision.
 *
 * @param classId the class
 * @param ap its AP over the top-k predictions that name it
 * @param positives videos labelled with the class
 * @param predictions top-k predictions that name it
 */
public record ClassAp(int classId, double ap, long positives, long predictions) {}
