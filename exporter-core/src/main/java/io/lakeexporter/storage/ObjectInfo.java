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
 */
public record ObjectInfo(
    Location location, long size, Instant lastModified, String etag, ObjectMetadata metadata) {

  public ObjectInfo {
    Objects.requireNonNull(location, "location is null");
    Objects.requireNonNull(lastModified, "lastModified is null");
    Objects.requireNonNull(etag, "etag is null");
    Objects.requireNonNull(metadata, "metadata is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size + " for " + location);
    }
  }
}
