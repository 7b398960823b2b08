/**
 * Beam transforms over YouTube-8M data: each usable on its own, configured by builders (no
 * options interfaces here), each element path kept free of per-value work.
 */
package org.yt8m.transforms;
