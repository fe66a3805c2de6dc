package io.lakeexporter;

/**
 * Another export holds the destination root (its {@code EXPORT_RUNNING} lease has not expired): two
 * exports at once would each write over the other's unfinished work, and each could end with a
 * {@code SUCCESS} status file over objects of the other's commit. Nothing was copied or written.
 */
public final class DestinationInUseException extends ExportException {
  private static final long serialVersionUID = 1L;

  public DestinationInUseException(String message) {
    super(message);
  }
}
