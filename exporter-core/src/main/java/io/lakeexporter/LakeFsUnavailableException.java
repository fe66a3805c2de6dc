package io.lakeexporter;

/** lakeFS could not be reached or answered with a server error. */
public final class LakeFsUnavailableException extends ExportException {
  private static final long serialVersionUID = 1L;

  public LakeFsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
