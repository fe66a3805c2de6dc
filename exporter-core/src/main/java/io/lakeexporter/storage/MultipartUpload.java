package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One object being written in parts. Parts may be written concurrently, by this instance or by
 * others resumed from {@link #uploadId()}. Until {@link #complete} returns, nothing is visible at
 * {@link #location()}; after {@link #abort()}, nothing of the upload remains.
 */
public interface MultipartUpload {

  Location location();

  /** Identifies the upload so another worker can {@link MultipartWritable#resumeMultipart}. */
  String uploadId();

  UploadedPart writePart(int partNumber, InputStream data, long length) throws IOException;

  /** Makes the object visible from {@code parts}, which must be every part in any order. */
  void complete(List<UploadedPart> parts) throws IOException;

  /** Discards every part. Safe to call more than once and after a failed {@link #complete}. */
  void abort() throws IOException;

  /**
   * Aborts {@code upload} even on an interrupted thread, and keeps the interrupt for the caller. An
   * interrupt is how a copy is cancelled, and the moment an abort matters most; yet clients refuse
   * to send on an interrupted thread (the AWS SDK's "Thread was interrupted"), and an abort not
   * sent leaves every part written so far stored, and billed, at the destination.
   */
  static void abortDespiteInterrupt(MultipartUpload upload) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      upload.abort();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
