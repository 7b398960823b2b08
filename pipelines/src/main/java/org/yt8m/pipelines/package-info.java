/**
 * One options interface and one job class per command, and the {@code yt8m} launcher
 * ({@link org.yt8m.pipelines.launcher.Yt8m}) that picks the job. Job classes only wire
 * transforms from options; their {@code run(options)} returns the {@code PipelineResult} so
 * tests run them on the DirectRunner.
 */
package org.yt8m.pipelines;
