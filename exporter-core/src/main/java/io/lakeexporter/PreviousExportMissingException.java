package io.lakeexporter;

/**
 * A diff was asked for from a commit the destination does not hold: its newest status file is of
 * another commit, tells of a failed export that was no diff from that commit, or there is none. The
 * diff would write only what changed since that commit and leave the rest as it is, under a {@code
 * SUCCESS} file that calls it the HEAD's export, so nothing was copied or written. {@code
 * Exporter.Builder.checkPreviousExport(false)} runs such a diff anyway.
 */
public final class PreviousExportMissingException extends InvalidExportException {
  private static final long serialVersionUID = 1L;

  public PreviousExportMissingException(String message) {
    super(message);
  }
}
