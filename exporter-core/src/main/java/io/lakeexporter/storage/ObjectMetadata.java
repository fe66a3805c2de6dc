package io.lakeexporter.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What travels with an object's bytes: its content type and user metadata.
 *
 * @param contentType MIME type, or empty when unknown
 * @param userMetadata user metadata, keys as the store reports them
 */
public record ObjectMetadata(String contentType, Map<String, String> userMetadata) {

  public static final ObjectMetadata EMPTY = new ObjectMetadata("", Map.of());

  /** User-metadata key under which the lakeFS checksum of an exported object is kept. */
  public static final String LAKEFS_CHECKSUM_KEY = "lakefs-checksum";

  public ObjectMetadata {
    Objects.requireNonNull(contentType, "contentType is null");
    userMetadata = Map.copyOf(Objects.requireNonNull(userMetadata, "userMetadata is null"));
  }

  public ObjectMetadata withUserMetadata(String key, String value) {
    var copy = new HashMap<>(userMetadata);
    copy.put(key, value);
    return new ObjectMetadata(contentType, copy);
  }
}
