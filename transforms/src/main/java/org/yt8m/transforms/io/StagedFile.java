package org.yt8m.transforms.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A file of a {@link FileSet} written to the set's staging directory, as its writer saw it: its
 * final name, its size and the CRC32C of its bytes (8 lowercase hex digits). What a writer
 * outputs and what the set's commit checks and lists in the manifest.
 */
public record StagedFile(String name, long bytes, String crc32c) {

  public StagedFile {
    checkArgument(!name.isEmpty() && name.indexOf('/') < 0, "a file name, not a path: '%s'",
        name);
    checkArgument(bytes >= 0, "%s: negative size %s", name, bytes);
  }

  /** Encodes a {@link StagedFile} as its name, size and checksum. */
  public static final class Coder extends AtomicCoder<StagedFile> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StagedFile file, OutputStream out) throws IOException {
      STRING.encode(file.name(), out);
      LONG.encode(file.bytes(), out);
      STRING.encode(file.crc32c(), out);
    }

    @Override
    public StagedFile decode(InputStream in) throws IOException {
      return new StagedFile(STRING.decode(in), LONG.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
