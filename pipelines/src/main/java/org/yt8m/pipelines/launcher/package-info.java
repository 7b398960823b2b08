/**
 * The {@code yt8m} command line: command dispatch, the starter code's flag spellings, help.
 */
package org.yt8m.pipelines.launcher;
