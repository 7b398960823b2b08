/**
 * Speed measurements run by {@code scripts/bench}: each reports ratios measured in one run,
 * never timed assertions (docs/BENCHMARKS.md).
 */
package org.yt8m.pipelines.bench;
