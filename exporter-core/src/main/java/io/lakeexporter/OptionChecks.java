package io.lakeexporter;

/**
 * The ranges of the options both exporters take, the standalone {@link Exporter} and the Spark
 * exporter, checked in one place so that both refuse a value alike, in the same words.
 */
public final class OptionChecks {

  /**
   * The most objects (and parts of large objects) copied at once: by the standalone exporter, or by
   * each Spark task. Each is a thread and, for a large object, a part's buffers.
   */
  public static final int MAX_CONCURRENCY = 1024;

  private OptionChecks() {}

  /**
   * @return {@code concurrency}
   * @throws InvalidExportException unless it is 1 to {@link #MAX_CONCURRENCY}
   */
  public static int concurrency(int concurrency) {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new InvalidExportException(
          "concurrency must be 1.." + MAX_CONCURRENCY + ", not " + concurrency);
    }
    return concurrency;
  }

  /**
   * @return {@code bytes}
   * @throws InvalidExportException unless it is positive
   */
  public static long partSize(long bytes) {
    if (bytes < 1) {
      throw new InvalidExportException("part size must be positive, not " + bytes);
    }
    return bytes;
  }

  /**
   * @return {@code bytes}
   * @throws InvalidExportException unless it is positive
   */
  public static long multipartThreshold(long bytes) {
    if (bytes < 1) {
      throw new InvalidExportException("multipart threshold must be positive, not " + bytes);
    }
    return bytes;
  }
}
