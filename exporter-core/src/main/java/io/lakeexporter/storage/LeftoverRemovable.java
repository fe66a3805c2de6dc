package io.lakeexporter.storage;

import java.io.IOException;
import java.time.Instant;

/**
 * A store that can find what an export cut off (killed, its machine lost) left unfinished under a
 * root: temporary files beside their targets, multipart uploads never completed nor aborted, which
 * on S3 are billed until a lifecycle rule removes them. Asked only by an export that holds the
 * root's lease and took it over from the one cut off, so that no export's work under way can be
 * taken for a leftover.
 */
public interface LeftoverRemovable {

  /**
   * Removes the leftovers under {@code root}: where the store tells when an upload was started,
   * those started from {@code from} to {@code to} (the cut-off export's lease), so that a
   * stranger's upload under the same prefix is left alone; where it cannot, only what none but an
   * export makes (a local temporary file named for the exporter).
   *
   * @return how many were removed
   */
  long removeLeftovers(Location root, Instant from, Instant to) throws IOException;
}
