package io.lakeexporter.source;

import com.google.gson.annotations.SerializedName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A page of lakeFS's {@code listObjects}, and the {@code ObjectStats} of its entries, as the
 * exporter reads them: the SDK sends the request, its JSON mapper reads the answer into these.
 *
 * <p>Why not the SDK's generated models: they read every page three times (into a tree, validating
 * the tree, then into objects) and refuse fields they do not know, so a newer lakeFS that adds one
 * breaks the listing. These are read in one pass and skip unknown fields. 20,000 entries in a cold
 * JVM with the CLI's compiler: 190 ms instead of 440-490 ms.
 */
record ListingPage(List<Stats> results, Pagination pagination) {

  List<Stats> entries() {
    return results == null ? List.of() : results;
  }

  boolean hasMore() {
    return pagination != null && Boolean.TRUE.equals(pagination.hasMore());
  }

  String nextOffset() {
    return pagination == null || pagination.nextOffset() == null ? "" : pagination.nextOffset();
  }

  /** Where the next page starts. */
  record Pagination(
      @SerializedName("has_more") Boolean hasMore,
      @SerializedName("next_offset") String nextOffset) {}

  /** One entry: an object, or a common prefix when listed with a delimiter. */
  record Stats(
      String path,
      @SerializedName("path_type") String pathType,
      @SerializedName("physical_address") String physicalAddress,
      String checksum,
      Long mtime,
      @SerializedName("size_bytes") Long sizeBytes,
      @SerializedName("content_type") String contentType,
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
