/** Writing synthetic YouTube-8M shards in parallel, one shard per element. */
package org.yt8m.transforms.synthetic;
