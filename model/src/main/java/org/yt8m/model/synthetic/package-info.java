/**
 * Synthetic YouTube-8M data: records in the real formats whose labels follow a hidden model of
 * the features, so that a model trained on them learns and metrics computed on them mean
 * something. The embedded default that the quickstart, the tests and the benchmarks run on.
 */
package org.yt8m.model.synthetic;
