package io.lakeexporter.emulator;

import java.util.Map;

/**
 * One object version as lakeFS keeps it: where its bytes are and what it says of them.
 *
 * @param path the lakeFS path
 * @param physicalAddress the full storage address of its bytes
 * @param size length in bytes
 * @param checksum hex MD5 of the content, as lakeFS's local blockstore reports
 * @param mtime seconds since the epoch
 * @param contentType MIME type
 * @param userMetadata user metadata
 */
record Entry(
    String path,
    String physicalAddress,
    long size,
    String checksum,
    long mtime,
    String contentType,
    Map<String, String> userMetadata) {

  Entry {
    userMetadata = Map.copyOf(userMetadata);
  }

  /**
   * Same content and metadata, as lakeFS tells an entry's identity (its size, checksum, metadata
   * and content type; not where its bytes are): not a change in a diff.
   */
  boolean sameAs(Entry other) {
    return size == other.size
        && checksum.equals(other.checksum)
        && contentType.equals(other.contentType)
        && userMetadata.equals(other.userMetadata);
  }
}
