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

  /** Aborts {@code upload} even on an interrupted thread: see {@link Parallel#despiteInterrupt}. */
  static void abortDespiteInterrupt(MultipartUpload upload) throws IOException {
    Parallel.despiteInterrupt(upload::abort);
  }
}
