package io.lakeexporter.storage;

import java.io.Serializable;
import java.util.Objects;

/**
 * A part written to a multipart upload; serializable so distributed workers can hand it back.
 *
 * @param partNumber 1-based position
 * @param size bytes in the part
 * @param etag the store's token for the part, empty where the store needs none
 */
public record UploadedPart(int partNumber, long size, String etag) implements Serializable {
  private static final long serialVersionUID = 1L;

  public UploadedPart {
    Objects.requireNonNull(etag, "etag is null");
    if (partNumber < 1) {
      throw new IllegalArgumentException("part numbers start at 1: " + partNumber);
    }
  }
}
