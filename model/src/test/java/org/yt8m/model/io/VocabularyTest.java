package org.yt8m.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.yt8m.model.synthetic.SyntheticVocabulary;

/** vocabulary.csv as the dataset ships it, and each way it can be wrong, named by line. */
class VocabularyTest {
  private static final String HEADER = Vocabulary.HEADER_LINE + "\n";

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class,
        () -> Vocabulary.parse(text, "vocab.csv")).getMessage();
  }

  @Test
  void quotedCommasQuotesAndLineBreaksAreFieldsNotSeparators() {
    Vocabulary vocabulary = Vocabulary.parse("\uFEFF" + HEADER
        + "1,120,/m/02,\"Piano, grand\",https://w/Piano,Arts & Entertainment,,,"
        + "\"A \"\"keyboard\"\", with strings,\nstruck by hammers.\"\r\n"
        + "0,532,/m/01,Game,https://w/Game,Games,Arts,,\"Play, rules.\"\r\n\n", "vocab.csv");
    assertEquals(2, vocabulary.size());
    assertEquals("Game", vocabulary.name(0));
    assertEquals("Games", vocabulary.vertical(0));
    assertEquals("Piano, grand", vocabulary.name(1));
    assertEquals("Arts & Entertainment", vocabulary.vertical(1));
  }

  @Test
  void theSyntheticVocabularyParsesToItsClasses() {
    Vocabulary vocabulary = Vocabulary.parse(SyntheticVocabulary.csv(20), "synthetic");
    assertEquals(20, vocabulary.size());
    assertEquals("Synthetic class 17", vocabulary.name(17));
    assertEquals("Games", vocabulary.vertical(1));
  }

  @Test
  void eachMistakeIsNamedByLineAndField() {
    assertEquals("vocab.csv line 3: index 0 again (first on line 2)",
        error(HEADER + "0,1,k,A,u,V,,,d\n0,1,k,B,u,V,,,d\n"));
    assertEquals("vocab.csv has no line for index 1 (its indexes run from 0 to 2; each class "
        + "needs one)", error(HEADER + "0,1,k,A,u,V,,,d\n2,1,k,B,u,V,,,d\n"));
    assertEquals("vocab.csv line 2, field Index: \"x\" is not a class index (a whole number "
        + "from 0)", error(HEADER + "x,1,k,A,u,V,,,d\n"));
    assertEquals("vocab.csv line 2: 10 fields, but the header has 9 (a field holding a comma "
        + "must be quoted)", error(HEADER + "0,1,k,A,u,V,,,d, with a comma\n"));
    assertEquals("vocab.csv line 2: a quoted field is never closed",
        error(HEADER + "0,1,k,A,u,V,,,\"open\n1,1,k,B,u,V,,,d\n"));
    assertEquals("vocab.csv line 2: text after the closing quote of the quoted field that "
        + "starts at character 7", error(HEADER + "0,1,k,\"A\"x,u,V,,,d\n"));
    assertEquals("vocab.csv line 1: the header has no Name column (a vocabulary's header is "
        + Vocabulary.HEADER_LINE + ")", error("Index,Label,Vertical1\n0,a,b\n"));
    assertEquals("vocab.csv names no class: it has a header only", error(HEADER));
    assertEquals("vocab.csv names 2 classes, but the model has 3: give the vocabulary of the "
        + "same release", assertThrows(IllegalArgumentException.class,
            () -> Vocabulary.parse(HEADER + "0,1,k,A,u,V,,,d\n1,1,k,B,u,V,,,d\n", "vocab.csv")
                .requireClasses(3, "the model")).getMessage());
  }
}
