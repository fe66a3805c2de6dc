package io.lakeexporter.storage;

import java.io.IOException;

/**
 * A store that can copy into itself without the bytes passing through this process: from itself (S3
 * CopyObject, GCS rewrite, a filesystem copy) or from a URL it can read (Azure Put Block From URL).
 */
public interface ServerSideCopyable {

  /**
   * Whether {@link #copyServerSide} can copy {@code source} to {@code destination} as they are (for
   * S3: both buckets reached with the same client; for Azure: a source readable by URL).
   */
  boolean canCopyServerSide(Location source, Location destination);

  /**
   * Copies {@code size} bytes from {@code source} to {@code destination}, setting {@code metadata}
   * on the copy. Large objects are copied in parts inside, each part once: a failed part fails the
   * copy, which the caller may start again whole. When this throws, nothing new is visible at
   * {@code destination}.
   *
   * @return true when the store's own answer already proves the copy holds {@code size} bytes (the
   *     size it reported, or an ETag equal to the lakeFS checksum in {@code metadata}); false when
   *     the caller must check, which costs a request per object
   */
  boolean copyServerSide(Location source, Location destination, long size, ObjectMetadata metadata)
      throws IOException;

  /**
   * {@link #copyServerSide(Location, Location, long, ObjectMetadata)}, with each part of a copy in
   * parts sent again as {@code parts} says. A store that copies in parts overrides this; the others
   * copy as the four-argument method does.
   */
  default boolean copyServerSide(
      Location source, Location destination, long size, ObjectMetadata metadata, PartRetry parts)
      throws IOException {
    return copyServerSide(source, destination, size, metadata);
  }

  /**
   * Whether a copy of {@code size} bytes goes in byte ranges of the source (S3's UploadPartCopy,
   * Azure's Put Block From URL): ranges take the bytes lakeFS recorded, however many the source
   * holds, so the caller must find the source's end where the ranges end. A store that copies the
   * object whole, and compares sizes, says false (the default).
   */
  default boolean copiesInRanges(long size) {
    return false;
  }
}
