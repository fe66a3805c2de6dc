package io.lakeexporter;

/**
 * The destination's store could not be reached when the export began (its host unknown, the
 * connection refused, TLS failing), after a few attempts: nothing was copied, and no status file
 * could be written there either.
 */
public final class DestinationUnavailableException extends ExportException {
  private static final long serialVersionUID = 1L;

  public DestinationUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
