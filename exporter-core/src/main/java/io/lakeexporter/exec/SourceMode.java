package io.lakeexporter.exec;

/** How the exporter reads source objects. */
public enum SourceMode {
  /**
   * {@link #DIRECT} when a storage provider serves the physical address (for lakeFS {@code
   * local://} addresses: when the local blockstore directory is configured), else {@link #LAKEFS}.
   */
  AUTO,
  /**
   * The physical address through its storage provider; needs storage credentials; allows
   * server-side copy.
   */
  DIRECT,
  /** Presigned URLs from lakeFS, read with ranged GETs; needs no storage credentials. */
  PRESIGNED,
  /** Through the lakeFS API with Range; works on every blockstore. */
  LAKEFS
}
