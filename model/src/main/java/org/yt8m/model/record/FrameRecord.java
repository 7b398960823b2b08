package org.yt8m.model.record;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One frame-level record, kept quantized: {@code numFrames} rows of {@code frameSize} bytes, each
 * row the selected features of one frame concatenated in {@link FeatureSpec} order, already
 * truncated to the reader's {@code maxFrames}.
 *
 * <p>Frames stay as the uint8 values the shards hold (a quarter of the size of floats, which
 * matters when records are shuffled between workers) and are dequantized, bit-exactly as the
 * starter code does, only when a model needs them: {@link #dequantizeInto}.
 *
 * <p>Immutable by contract: arrays are kept and handed out without copies; nobody may modify
 * them.
 */
public final class FrameRecord implements Yt8mRecord {
  private final String id;
  private final int[] labels;
  private final int numFrames;
  private final int frameSize;
  private final byte[] frames;

  private FrameRecord(String id, int[] labels, int numFrames, int frameSize, byte[] frames) {
    this.id = requireNonNull(id, "id");
    this.labels = requireNonNull(labels, "labels");
    checkArgument(numFrames >= 0 && frameSize > 0, "bad shape %s x %s", numFrames, frameSize);
    checkArgument(frames.length == numFrames * frameSize,
        "%s frames of %s bytes need %s bytes, got %s",
        numFrames, frameSize, numFrames * frameSize, frames.length);
    this.numFrames = numFrames;
    this.frameSize = frameSize;
    this.frames = frames;
  }

  /**
   * A record over the given quantized frames ({@code numFrames * frameSize} bytes, row-major),
   * which it keeps (not copies). {@code labels} must be sorted ascending without duplicates.
   */
  public static FrameRecord of(
      String id, int[] labels, int numFrames, int frameSize, byte[] frames) {
    return new FrameRecord(id, Labels.checkSortedUnique(labels), numFrames, frameSize, frames);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int[] labels() {
    return labels;
  }

  /** Frames kept: {@code min(frames in the record, maxFrames)}, the starter's {@code num_frames}. */
  public int numFrames() {
    return numFrames;
  }

  /** Bytes (features) per frame: the sum of the selected feature sizes. */
  public int frameSize() {
    return frameSize;
  }

  /** The quantized frames, row-major; shared, not copied. */
  public byte[] quantizedFrames() {
    return frames;
  }

  /**
   * Writes the dequantized frames, row-major, into {@code destination} from {@code offset}:
   * {@code numFrames * frameSize} floats. Padding rows beyond {@code numFrames} are the
   * caller's (the starter code pads with exact zeros).
   */
  public void dequantizeInto(float[] destination, int offset) {
    Dequantization.dequantize(frames, 0, destination, offset, frames.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrameRecord other
        && id.equals(other.id)
        && numFrames == other.numFrames
        && frameSize == other.frameSize
        && Arrays.equals(labels, other.labels)
        && Arrays.equals(frames, other.frames);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * id.hashCode() + Arrays.hashCode(labels)) + Arrays.hashCode(frames);
  }

  @Override
  public String toString() {
    return "FrameRecord{id=" + id + ", labels=" + Arrays.toString(labels)
        + ", frames=" + numFrames + "x" + frameSize + "}";
  }
}
