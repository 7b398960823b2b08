/** Combine plumbing shared by the transforms. */
package org.yt8m.transforms.combine;
