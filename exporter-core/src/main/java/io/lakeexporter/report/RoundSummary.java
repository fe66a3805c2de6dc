package io.lakeexporter.report;

import io.lakeexporter.copy.CopyStrategy;
import java.util.Map;

/**
 * Counts of one round.
 *
 * @param round the round, from 1
 * @param status how it ended
 * @param copied objects copied
 * @param deleted objects deleted
 * @param failed actions that failed
 * @param bytes bytes copied
 * @param copiedBy objects copied per strategy
 */
public record RoundSummary(
    int round,
    Status status,
    long copied,
    long deleted,
    long failed,
    long bytes,
    Map<CopyStrategy, Long> copiedBy) {

  public RoundSummary {
    copiedBy = Map.copyOf(copiedBy);
  }

  public static RoundSummary skipped(int round) {
    return new RoundSummary(round, Status.SKIPPED, 0, 0, 0, 0, Map.of());
  }

  /** Objects copied by {@code strategy}. */
  public long copiedBy(CopyStrategy strategy) {
    return copiedBy.getOrDefault(strategy, 0L);
  }

  /** How a round ended. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    /** Not run: an earlier round failed. */
    SKIPPED,
    /** Counted only (dry run). */
    PLANNED
  }
}
