package org.yt8m.transforms.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.yt8m.transforms.io.DeadLetter;

/** Encodes a {@link DeadLetter} field by field. */
public final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(STRING);
  private static final VarLongCoder LONG = VarLongCoder.of();

  private DeadLetterCoder() {}

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(DeadLetter letter, OutputStream out) throws IOException {
    STRING.encode(letter.source(), out);
    LONG.encode(letter.position(), out);
    STRING.encode(letter.location(), out);
    NULLABLE_STRING.encode(letter.recordId(), out);
    STRING.encode(letter.reason(), out);
    STRING.encode(letter.message(), out);
  }

  @Override
  public DeadLetter decode(InputStream in) throws IOException {
    return new DeadLetter(STRING.decode(in), LONG.decode(in), STRING.decode(in),
        NULLABLE_STRING.decode(in), STRING.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
