package io.lakeexporter.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows of one object.
 *
 * @param location where it is
 * @param size its length in bytes
 * @param lastModified when it was last written, or {@link Instant#EPOCH} when the store does not
 *     say
 * @param etag the store's entity tag, or empty
 * @param metadata content type and user metadata; empty when the listing does not carry them
 * @param contentMd5 the MD5 of the object's bytes in hex, as the service keeps it (Cloud Storage
 *     computes one for every object written in one piece; Azure keeps the one a writer gave, or
 *     computed it for a blob put in one request), or empty
 */
public record ObjectInfo(
    Location location,
    long size,
    Instant lastModified,
    String etag,
    ObjectMetadata metadata,
    String contentMd5) {

  public ObjectInfo {
    Objects.requireNonNull(location, "location is null");
    Objects.requireNonNull(lastModified, "lastModified is null");
    Objects.requireNonNull(etag, "etag is null");
    Objects.requireNonNull(metadata, "metadata is null");
    Objects.requireNonNull(contentMd5, "contentMd5 is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size + " for " + location);
    }
  }

  /** An object whose store keeps no MD5 of its bytes. */
  public ObjectInfo(
      Location location, long size, Instant lastModified, String etag, ObjectMetadata metadata) {
    this(location, size, lastModified, etag, metadata, "");
  }
}
