package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;

/**
 * Writes one stream as the consecutive parts of a multipart upload: how a store implements a large
 * {@link ObjectStore#write} on top of its {@link MultipartWritable} side. The upload is aborted
 * when anything fails, so nothing of it stays.
 */
public final class SequentialParts {

  private SequentialParts() {}

  /**
   * @param data holds exactly {@code size} bytes, or the write fails
   * @param partSize the size of every part but the last
   */
  public static void write(
      MultipartWritable store,
      Location location,
      InputStream data,
      long size,
      long partSize,
      ObjectMetadata metadata)
      throws IOException {
    var exact = new ExactLengthInputStream(data, size, location.toString());
    MultipartUpload upload = store.startMultipart(location, size, partSize, metadata);
    try {
      var parts = new ArrayList<UploadedPart>();
      long offset = 0;
      for (int number = 1; offset < size; number++) {
        long length = Math.min(partSize, size - offset);
        parts.add(upload.writePart(number, PartSlice.of(exact, length), length));
        offset += length;
      }
      if (exact.read() >= 0) {
        throw new IOException(location + ": the source holds more than " + size + " bytes");
      }
      upload.complete(parts);
    } catch (IOException | RuntimeException e) {
      try {
        MultipartUpload.abortDespiteInterrupt(upload);
      } catch (IOException | RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }
}
