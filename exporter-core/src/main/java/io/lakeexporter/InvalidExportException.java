package io.lakeexporter;

/** The request itself is wrong: a bad destination, option or configuration. */
public class InvalidExportException extends ExportException {
  private static final long serialVersionUID = 1L;

  public InvalidExportException(String message) {
    super(message);
  }

  public InvalidExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
