package io.lakeexporter.report;

import java.util.List;

/**
 * What a plan holds, per round: counted by one pass over the listing, before anything is written.
 *
 * @param rounds counts per round, round 1 first
 */
public record PlanTotals(List<RoundTotals> rounds) {

  public PlanTotals {
    rounds = List.copyOf(rounds);
  }

  /** Copies over every round. */
  public long copies() {
    return rounds.stream().mapToLong(RoundTotals::copies).sum();
  }

  /** Deletes over every round. */
  public long deletes() {
    return rounds.stream().mapToLong(RoundTotals::deletes).sum();
  }

  /** Bytes the copies read, over every round, as lakeFS records their sizes. */
  public long bytes() {
    return rounds.stream().mapToLong(RoundTotals::bytes).sum();
  }

  /** Counts of one round of a plan. */
  public record RoundTotals(int round, long copies, long deletes, long bytes) {}
}
