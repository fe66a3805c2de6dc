package io.lakeexporter.copy;

import java.util.Locale;

/** How an object's bytes got to the destination. */
public enum CopyStrategy {
  /** The destination store copied it itself; no byte passed through the exporter. */
  SERVER_SIDE,
  /** Parallel ranged reads of the source written as parts of a multipart upload. */
  PARALLEL_PARTS,
  /** One stream from source to destination. */
  STREAM;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
