package io.lakeexporter;

import java.util.Objects;

/**
 * An export ran, but its status file could not be written at the destination. The export's outcome
 * is not lost: {@link #result()} tells what it did, its failures included (with no status file).
 */
public final class StatusFileNotWrittenException extends ExportException {
  private static final long serialVersionUID = 1L;

  /** Not serialized: an exception that travels keeps its message, which names the outcome. */
  private final transient ExportResult result;

  public StatusFileNotWrittenException(String message, ExportResult result, Throwable cause) {
    super(message, cause);
    this.result = Objects.requireNonNull(result, "result is null");
  }

  /**
   * How the export ended: its status, counts and failed actions; {@link ExportResult#statusFile()}
   * is {@code null}. Null only after this exception was deserialized.
   */
  public ExportResult result() {
    return result;
  }
}
