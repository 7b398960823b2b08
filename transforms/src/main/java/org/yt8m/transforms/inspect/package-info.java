/**
 * What a set of shards holds: record and label counts, class coverage, frame counts and dead
 * letters by reason, computed with mergeable combines so it runs on any number of workers.
 */
package org.yt8m.transforms.inspect;
