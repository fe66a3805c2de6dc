package io.lakeexporter.report;

/**
 * Hears an export as it goes (a CLI progress bar, Spark accumulators, metrics). Called from worker
 * threads: implementations must be thread safe and quick. A callback that throws ends the export as
 * a failure: no new action starts, those under way end, and the result and the status file name the
 * listener, the callback and what it threw.
 */
public interface ProgressListener {

  ProgressListener NONE = new ProgressListener() {};

  /** The plan was counted; called before round 1 unless counting is turned off. */
  default void planned(PlanTotals totals) {}

  /**
   * A round's work starts. In a diff, whose deletes all run before its first copy (the last round's
   * first), a round that removes keys starts twice: for its deletes, then for its copies.
   */
  default void roundStarted(int round) {}

  /**
   * A copy or delete of a run ended: succeeded (a copy found at the destination already too, its
   * {@link ActionOutcome#strategy()} says so) or failed after its attempts. Not heard of: a diff's
   * takedowns of keys it writes again, which the round's copy reports, and a dry run's look-ups.
   * Called on the worker thread that ran the action, as soon as it ends, once per action.
   */
  default void actionFinished(ActionOutcome outcome) {}

  /**
   * A round ended, with what it did; a round skipped after a failed one is not heard of. A diff's
   * deletes that ran first and stopped the export are heard of as their round's end.
   */
  default void roundFinished(RoundSummary summary) {}
}
