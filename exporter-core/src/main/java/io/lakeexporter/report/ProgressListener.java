package io.lakeexporter.report;

/**
 * Hears an export as it goes (a CLI progress bar, Spark accumulators, metrics). Called from worker
 * threads: implementations must be thread safe and quick.
 */
public interface ProgressListener {

  ProgressListener NONE = new ProgressListener() {};

  /** The plan was counted; called before round 1 unless counting is turned off. */
  default void planned(PlanTotals totals) {}

  default void roundStarted(int round) {}

  default void actionFinished(ActionOutcome outcome) {}

  default void roundFinished(RoundSummary summary) {}
}
