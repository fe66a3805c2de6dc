package io.lakeexporter.report;

import io.lakeexporter.copy.CopyStrategy;
import java.util.Collections;
import java.util.EnumMap;
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
 * @param copiedBy objects copied per strategy, every strategy there (0 for those none took)
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
    // Every strategy, whatever was given: a caller's get(strategy) finds 0, never null.
    var every = new EnumMap<CopyStrategy, Long>(CopyStrategy.class);
    for (CopyStrategy s : CopyStrategy.values()) {
      Long n = copiedBy.get(s);
      every.put(s, n == null ? 0L : n);
    }
    copiedBy = Collections.unmodifiableMap(every);
  }

  /** A dry run's round: what the plan holds, to be done. */
  public static RoundSummary planned(PlanTotals.RoundTotals totals) {
    return new RoundSummary(
        totals.round(),
        Status.PLANNED,
        totals.copies(),
        totals.deletes(),
        0,
        totals.bytes(),
        Map.of());
  }

  public static RoundSummary skipped(int round) {
    return new RoundSummary(round, Status.SKIPPED, 0, 0, 0, 0, Map.of());
  }

  /**
   * Round {@code round} as a report shows it when the export stopped before its turn: what its
   * deletes did when they ran first ({@code early}, null if they did not), as they ended if they
   * stopped the export, else skipped.
   */
  public static RoundSummary skipped(int round, RoundSummary early) {
    if (early == null) {
      return skipped(round);
    }
    return early.status() == Status.FAILED ? early : early.withStatus(Status.SKIPPED);
  }

  /** These counts with another status. */
  public RoundSummary withStatus(Status status) {
    return new RoundSummary(round, status, copied, deleted, failed, bytes, copiedBy);
  }

  /**
   * The counts of this part of a round and the {@code next} part of the same round, which ran after
   * it (a diff's deletes of every round run before the first copy, its copies in their turn):
   * failed when either part failed, else the status of the next part.
   */
  public RoundSummary plus(RoundSummary next) {
    var by = new EnumMap<CopyStrategy, Long>(CopyStrategy.class);
    for (CopyStrategy s : CopyStrategy.values()) {
      by.put(s, copiedBy(s) + next.copiedBy(s));
    }
    Status merged = status == Status.FAILED ? Status.FAILED : next.status();
    return new RoundSummary(
        round,
        merged,
        copied + next.copied(),
        deleted + next.deleted(),
        failed + next.failed(),
        bytes + next.bytes(),
        by);
  }

  /**
   * Copies that found the object's bytes at the destination already, and wrote nothing: {@link
   * CopyStrategy#IN_PLACE} and {@link CopyStrategy#ALREADY_THERE}.
   */
  public long foundThere() {
    return copiedBy(CopyStrategy.IN_PLACE) + copiedBy(CopyStrategy.ALREADY_THERE);
  }

  /**
   * A dry run's round on one line: {@code round 1: 12 to copy (3.4 MiB), 88 there already, 0 to
   * delete, 1 copies would fail}, with the bytes as {@code bytesShown} writes them; what is there
   * already only when the dry run {@code lookedUp} the destination.
   */
  public String plannedLine(String bytesShown, boolean lookedUp) {
    return "round "
        + round
        + ": "
        + (copied - foundThere())
        + " to copy ("
        + bytesShown
        + "), "
        + (lookedUp ? foundThere() + " there already, " : "")
        + deleted
        + " to delete"
        + (failed == 0 ? "" : ", " + failed + " copies would fail");
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
