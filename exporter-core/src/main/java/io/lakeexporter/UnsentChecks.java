package io.lakeexporter;

import io.lakeexporter.exec.ExportActions;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a dry run can tell of each copy without a request, as its counting pass lists them: the
 * copies a run would refuse before it sends anything (a key the destination would not keep as
 * named, one in the repository's storage namespace, metadata the destination would not keep as it
 * is). They cost nothing to find, so a dry run that only counts finds them too.
 */
final class UnsentChecks implements Consumer<Action> {

  private final ObjectStore destination;
  private final DestinationKeys keys;
  private final RoundTally.FailureLog failures;
  private final long[] refused;
  private final long[] refusedBytes;

  UnsentChecks(
      ObjectStore destination, DestinationKeys keys, int rounds, RoundTally.FailureLog failures) {
    this.destination = destination;
    this.keys = keys;
    this.failures = failures;
    this.refused = new long[rounds];
    this.refusedBytes = new long[rounds];
  }

  @Override
  public void accept(Action action) {
    if (action.kind() != Action.Kind.COPY) {
      return;
    }
    ExportActions.unsentFailure(action, destination, keys)
        .ifPresent(
            failure -> {
              refused[action.round() - 1]++;
              refusedBytes[action.round() - 1] += action.size();
              failures.add(failure);
            });
  }

  /** The counted rounds, each with the copies that would be refused taken out as failed. */
  List<RoundSummary> rounds(PlanTotals totals) {
    var rounds = new ArrayList<RoundSummary>();
    for (PlanTotals.RoundTotals r : totals.rounds()) {
      int i = r.round() - 1;
      rounds.add(
          new RoundSummary(
              r.round(),
              RoundSummary.Status.PLANNED,
              r.copies() - refused[i],
              r.deletes(),
              refused[i],
              r.bytes() - refusedBytes[i],
              Map.of()));
    }
    return rounds;
  }
}
