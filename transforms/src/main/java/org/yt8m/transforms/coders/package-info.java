/** Explicit coders for the record and dead-letter types that flow through pipelines. */
package org.yt8m.transforms.coders;
