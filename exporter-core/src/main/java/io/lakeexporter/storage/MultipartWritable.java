package io.lakeexporter.storage;

import java.io.IOException;

/** A store whose objects can be written as parts by several workers. */
public interface MultipartWritable {

  PartLimits partLimits();

  /**
   * Starts an upload of an object of {@code size} bytes whose parts are all {@code partSize} bytes
   * but the last: a store that writes parts in place (a local file) places part n at {@code (n-1) *
   * partSize}.
   */
  MultipartUpload startMultipart(
      Location location, long size, long partSize, ObjectMetadata metadata) throws IOException;

  /** Reattaches to an upload started elsewhere, to write parts, complete or abort it. */
  MultipartUpload resumeMultipart(Location location, String uploadId) throws IOException;
}
