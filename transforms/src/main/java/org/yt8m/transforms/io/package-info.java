/**
 * Reading YouTube-8M shards: {@link org.yt8m.transforms.io.Yt8mIO} turns a file pattern into
 * typed records plus {@link org.yt8m.transforms.io.DeadLetter}s for the records that are not
 * valid YouTube-8M data. Nothing is dropped silently: every dead letter is counted by reason.
 */
package org.yt8m.transforms.io;
