package org.yt8m.pipelines.prepare;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.yt8m.pipelines.ProgressOptions;
import org.yt8m.pipelines.ReaderOptions;

/** Options of {@code yt8m prepare}. */
public interface PrepareOptions extends ReaderOptions, ProgressOptions {

  @Description("Training shards to shuffle: a local or gs:// glob, e.g. "
      + "gs://bucket/train*.tfrecord.")
  @Validation.Required
  String getTrainDataPattern();

  void setTrainDataPattern(String trainDataPattern);

  @Description("Directory for the shuffled shards (prepared-00000-of-00016.tfrecord, ...) and "
      + "manifest.json, local or gs://. They appear together when the job succeeds, replacing "
      + "an earlier preparation there (of any number of shards).")
  @Validation.Required
  String getOutputDir();

  void setOutputDir(String outputDir);

  @Description("Shards to write, of equal size (at most one record apart). Memory does not "
      + "depend on it: the records are sorted on disk.")
  @Default.Integer(16)
  int getNumShards();

  void setNumShards(int numShards);

  @Description("Seed of the shuffle: the same input and seed give byte-identical shards on any "
      + "runner; another seed, another order.")
  @Default.Long(0)
  long getSeed();

  void setSeed(long seed);
}
