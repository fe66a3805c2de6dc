package io.lakeexporter.copy;

import java.util.Locale;

/** How an object's bytes got to the destination. */
public enum CopyStrategy {
  /** The destination store copied it itself; no byte passed through the exporter. */
  SERVER_SIDE,
  /** Parallel ranged reads of the source written as parts of a multipart upload. */
  PARALLEL_PARTS,
  /** One stream from source to destination. */
  STREAM,
  /**
   * Nothing copied: the object's bytes are at its destination already, where lakeFS reads them (an
   * object imported by reference, exported back to where it was imported from). Rewriting them
   * would change the object lakeFS points to.
   */
  IN_PLACE,
  /**
   * Nothing copied: asked to skip identical objects, the export found the same bytes at the
   * destination already (same size, and a checksum that shows the same content; see {@link
   * IdenticalObject}).
   */
  ALREADY_THERE;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
