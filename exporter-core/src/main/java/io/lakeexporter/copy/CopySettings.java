package io.lakeexporter.copy;

import java.util.Objects;

/**
 * How the copy engine works.
 *
 * @param partSize preferred part size for multipart copies (the store's limits may change it)
 * @param multipartThreshold objects at least this large are copied in parallel parts when the
 *     destination can take parts
 * @param retry retries of transient faults, per object or per part
 * @param serverSideCopy whether to let stores copy by themselves when they can
 * @param skipIdentical whether to leave an object the destination holds already, byte for byte
 *     ({@link IdenticalObject}), instead of copying it again: what makes a re-run of an export that
 *     stopped part way cost only what it had left
 */
public record CopySettings(
    long partSize,
    long multipartThreshold,
    RetryPolicy retry,
    boolean serverSideCopy,
    boolean skipIdentical) {

  public static final long DEFAULT_PART_SIZE = 16L << 20;
  public static final long DEFAULT_MULTIPART_THRESHOLD = 32L << 20;

  public static final CopySettings DEFAULT =
      new CopySettings(
          DEFAULT_PART_SIZE, DEFAULT_MULTIPART_THRESHOLD, RetryPolicy.DEFAULT, true, false);

  public CopySettings {
    Objects.requireNonNull(retry, "retry is null");
    if (partSize < 1) {
      throw new IllegalArgumentException("part size must be positive: " + partSize);
    }
    if (multipartThreshold < 1) {
      throw new IllegalArgumentException(
          "multipart threshold must be positive: " + multipartThreshold);
    }
  }

  /** Settings that copy every object, identical or not, as before skipping was a choice. */
  public CopySettings(
      long partSize, long multipartThreshold, RetryPolicy retry, boolean serverSideCopy) {
    this(partSize, multipartThreshold, retry, serverSideCopy, false);
  }
}
