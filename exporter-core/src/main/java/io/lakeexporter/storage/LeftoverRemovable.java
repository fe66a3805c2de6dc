package io.lakeexporter.storage;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * A store that can find what an export cut off (killed, its machine lost) left unfinished under a
 * root: temporary files beside their targets, multipart uploads never completed nor aborted, which
 * on S3 are billed until a lifecycle rule removes them. Asked only by an export that holds the
 * root's lease and took it over from the one cut off, so that no export to that root is at work.
 */
public interface LeftoverRemovable {

  /**
   * Removes the leftovers under {@code root} started from {@code from} to {@code to} (the cut-off
   * export's lease, by the time the store or the file system records for each), except those {@code
   * spared} names (under a nested root, where another export may be at work).
   *
   * @param spared called with a leftover's target location, or for a temporary file its own
   * @return how many were removed
   */
  long removeLeftovers(Location root, Instant from, Instant to, Predicate<Location> spared)
      throws IOException;
}
