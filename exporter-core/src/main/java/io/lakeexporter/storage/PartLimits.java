package io.lakeexporter.storage;

/**
 * A store's multipart limits; the copy engine sizes parts from them instead of hard-coding any.
 *
 * @param minPartSize smallest part except the last
 * @param maxPartSize largest part
 * @param maxParts most parts in one upload
 */
public record PartLimits(long minPartSize, long maxPartSize, int maxParts) {

  public PartLimits {
    if (minPartSize < 1 || maxPartSize < minPartSize || maxParts < 1) {
      throw new IllegalArgumentException(
          "invalid part limits: min "
              + minPartSize
              + ", max "
              + maxPartSize
              + ", parts "
              + maxParts);
    }
  }

  /**
   * The part size for an object of {@code size} bytes: {@code preferred} clamped to the limits, and
   * grown until the object fits in {@link #maxParts()} parts.
   */
  public long partSizeFor(long size, long preferred) {
    long part = Math.max(minPartSize, Math.min(preferred, maxPartSize));
    long needed = (size + maxParts - 1) / maxParts;
    if (part < needed) {
      part = needed;
    }
    if (part > maxPartSize) {
      throw new IllegalArgumentException(
          "an object of "
              + size
              + " bytes needs parts over the "
              + maxPartSize
              + "-byte limit to fit in "
              + maxParts
              + " parts");
    }
    return part;
  }
}
