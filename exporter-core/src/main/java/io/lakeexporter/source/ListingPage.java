package io.lakeexporter.source;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A page of lakeFS's {@code listObjects}, and the {@code ObjectStats} of its entries, as the
 * exporter reads them ({@link LakeFsAnswers}).
 *
 * <p>Why not the SDK's generated models: they read every page three times (into a tree, validating
 * the tree, then into objects) and refuse fields they do not know, so a newer lakeFS that adds one
 * breaks the listing. These are read in one pass and skip unknown fields.
 */
record ListingPage(List<Stats> entries, boolean hasMore, String nextOffset) {

  /** One entry: an object, or a common prefix when listed with a delimiter. */
  record Stats(
      String path,
      String pathType,
      String physicalAddress,
      String checksum,
      Long mtime,
      Long sizeBytes,
      String contentType,
      Map<String, String> metadata) {

    boolean isObject() {
      return "object".equals(pathType);
    }

    boolean isCommonPrefix() {
      return "common_prefix".equals(pathType);
    }

    ObjectEntry toEntry() {
      return new ObjectEntry(
          path,
          physicalAddress == null ? "" : physicalAddress,
          sizeBytes == null ? 0 : sizeBytes,
          checksum == null ? "" : checksum,
          mtime == null ? Instant.EPOCH : Instant.ofEpochSecond(mtime),
          contentType == null ? "" : contentType,
          metadata == null ? Map.of() : metadata);
    }
  }
}
