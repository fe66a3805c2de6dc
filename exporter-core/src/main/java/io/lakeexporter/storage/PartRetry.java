package io.lakeexporter.storage;

import java.io.IOException;

/**
 * How a store has one part of a server-side copy sent again: as the caller's retry policy says. A
 * store that copies a large object in parts asks this for each part, so that a throttled or lost
 * part is copied again alone instead of the caller starting the whole object over.
 */
@FunctionalInterface
public interface PartRetry {

  /** One request for one part. */
  @FunctionalInterface
  interface PartAttempt {
    UploadedPart run() throws IOException;
  }

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up, then throws the last failure.
   */
  UploadedPart run(PartAttempt attempt) throws IOException;

  /** Each part once: the first failure ends the copy. */
  PartRetry ONCE = PartAttempt::run;
}
