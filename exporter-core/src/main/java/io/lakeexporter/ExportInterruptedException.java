package io.lakeexporter;

/**
 * The thread running an export was interrupted before the export started anything; the thread stays
 * interrupted. (An interrupt once copies have started ends the export instead: it returns a {@code
 * FAILED} result that counts what was done, and leaves the failure file.)
 */
public final class ExportInterruptedException extends ExportException {
  private static final long serialVersionUID = 1L;

  public ExportInterruptedException(String message) {
    super(message);
  }

  public ExportInterruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
