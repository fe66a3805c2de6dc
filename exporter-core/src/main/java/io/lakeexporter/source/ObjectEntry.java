package io.lakeexporter.source;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One object of a lakeFS commit.
 *
 * @param path the lakeFS path, which becomes the key under the destination root
 * @param physicalAddress where the bytes are: a storage URI, or a presigned URL when listed with
 *     presign (then a credential: {@link #toString()} hides its query)
 * @param size length in bytes
 * @param checksum lakeFS's checksum (the ETag of the underlying object)
 * @param mtime modification time
 * @param contentType MIME type, or empty
 * @param metadata lakeFS user metadata
 */
public record ObjectEntry(
    String path,
    String physicalAddress,
    long size,
    String checksum,
    Instant mtime,
    String contentType,
    Map<String, String> metadata)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ObjectEntry {
    Objects.requireNonNull(path, "path is null");
    Objects.requireNonNull(physicalAddress, "physicalAddress is null");
    Objects.requireNonNull(checksum, "checksum is null");
    Objects.requireNonNull(mtime, "mtime is null");
    Objects.requireNonNull(contentType, "contentType is null");
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata is null"));
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + path);
    }
  }

  /** The physical address without any query: safe for logs and status files. */
  public String redactedAddress() {
    int q = physicalAddress.indexOf('?');
    return q < 0 || !physicalAddress.startsWith("http")
        ? physicalAddress
        : physicalAddress.substring(0, q);
  }

  @Override
  public String toString() {
    return "ObjectEntry[path=" + path + ", address=" + redactedAddress() + ", size=" + size + "]";
  }
}
