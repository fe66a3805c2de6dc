package io.lakeexporter;

/**
 * The unchecked root of everything the public API throws. Messages name the repository, ref, key
 * and store involved, and never a secret or a presigned URL's signature.
 */
public class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
