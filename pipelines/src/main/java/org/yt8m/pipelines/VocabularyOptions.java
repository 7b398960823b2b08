package org.yt8m.pipelines;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Naming the classes in what a job writes, from the dataset's vocabulary.csv. */
public interface VocabularyOptions extends PipelineOptions {

  @Description("The dataset's vocabulary.csv (Index,TrainVideoCount,KnowledgeGraphId,Name,"
      + "WikiUrl,Vertical1,...; yt8m generate writes one): classes are shown by name and "
      + "vertical. Local or gs://.")
  String getVocabulary();

  void setVocabulary(String vocabulary);
}
