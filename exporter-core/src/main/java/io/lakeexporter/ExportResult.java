package io.lakeexporter;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.RoundSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an export ended.
 *
 * @param status succeeded, failed, or planned (dry run)
 * @param repository the lakeFS repository
 * @param mode branch, commit or diff
 * @param branch the branch, or {@code null} for a commit export
 * @param previousCommitId the previous commit of a diff export, or {@code null}
 * @param commitId the exported commit
 * @param destination the destination root, without any secret
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param rounds per-round counts, round 1 first; rounds after a failed one are {@code SKIPPED}
 * @param failures the failed actions (at most 10,000)
 * @param failuresOmitted failed actions beyond those kept
 * @param error what stopped the export as a whole (a listing that broke off), or empty; for a dry
 *     run, what would refuse a run now (its destination unreachable, its credentials refused, its
 *     lease held: see {@link RunRefusals})
 * @param statusFile the status file written, or {@code null} for a dry run
 * @param plan the plan's counts per round: counted before round 1 (always for a dry run), or, with
 *     {@link Exporter.Builder#countFirst} off, by round 1's listing; {@code null} when the export
 *     stopped before they were known
 * @param exporterVersion the exporter's version
 */
public record ExportResult(
    Status status,
    String repository,
    ExportMode mode,
    String branch,
    String previousCommitId,
    String commitId,
    String destination,
    Instant startedAt,
    Instant finishedAt,
    List<RoundSummary> rounds,
    List<ActionOutcome> failures,
    long failuresOmitted,
    String error,
    String statusFile,
    PlanTotals plan,
    String exporterVersion) {

  public ExportResult {
    Objects.requireNonNull(status, "status is null");
    Objects.requireNonNull(repository, "repository is null");
    Objects.requireNonNull(mode, "mode is null");
    Objects.requireNonNull(commitId, "commitId is null");
    rounds = List.copyOf(rounds);
    failures = List.copyOf(failures);
    Objects.requireNonNull(error, "error is null");
  }

  /**
   * Whether the export ran and every copy and delete succeeded ({@link Status#SUCCEEDED}). False
   * for a dry run, whose status is {@link Status#PLANNED}: its {@link #failures()} are the copies a
   * run would fail.
   */
  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }

  /**
   * Objects copied, over every round, those found at the destination already included ({@link
   * CopyStrategy#IN_PLACE}, {@link CopyStrategy#ALREADY_THERE}: {@link #copiedBy} tells them
   * apart); for a dry run ({@link Status#PLANNED}), the copies it would make, nothing having been
   * written (of which, when it skips identical objects, {@code copiedBy(ALREADY_THERE)} found there
   * already).
   */
  public long copied() {
    return rounds.stream().mapToLong(RoundSummary::copied).sum();
  }

  /**
   * Deletes done, over every round, a key already gone from the destination included (S3 does not
   * tell one from the other); for a dry run, the deletes it would make.
   */
  public long deleted() {
    return rounds.stream().mapToLong(RoundSummary::deleted).sum();
  }

  /**
   * Copies and deletes that failed, over every round: more than {@link #failures()} holds when some
   * were omitted ({@link #failuresOmitted()}); for a dry run, the copies a run would fail.
   */
  public long failed() {
    return rounds.stream().mapToLong(RoundSummary::failed).sum();
  }

  /**
   * Bytes copied, over every round: an object found at the destination already adds none; for a dry
   * run, the bytes it would copy.
   */
  public long bytes() {
    return rounds.stream().mapToLong(RoundSummary::bytes).sum();
  }

  /** Objects copied by {@code strategy}, over every round; 0 for a strategy none took. */
  public long copiedBy(CopyStrategy strategy) {
    return rounds.stream().mapToLong(r -> r.copiedBy(strategy)).sum();
  }

  /**
   * The first {@code shown} failures, each on a line of its own ({@link ActionOutcome#failureLine})
   * after {@code prefix}, and a last line saying how many more there are, if any ({@code ... and 3
   * more failures}).
   */
  public List<String> failureLines(int shown, String prefix) {
    var lines = new ArrayList<String>();
    for (int i = 0; i < Math.min(shown, failures.size()); i++) {
      lines.add(prefix + failures.get(i).failureLine());
    }
    long more = failed() - lines.size();
    if (more > 0) {
      lines.add("... and " + more + " more failures");
    }
    return lines;
  }

  /** The plan's counts per round, when known: see {@code plan} above. */
  public Optional<PlanTotals> planTotals() {
    return Optional.ofNullable(plan);
  }

  /** This result, naming the status file written for it. */
  public ExportResult withStatusFile(String file) {
    return copy(status, error, file);
  }

  /**
   * This result as {@code FAILED} for {@code why}, a reason found once its rounds had ended (the
   * destination taken over by another export), after the error it had, if any.
   */
  public ExportResult failedFor(String why) {
    return copy(Status.FAILED, error.isEmpty() ? why : error + "; " + why, statusFile);
  }

  /**
   * Whether the export failed, or, for a dry run, found that a run would: copies it would fail, or
   * a run refused now ({@link #error()}). What the command lines' exit code 1 says.
   */
  public boolean failedOrWouldFail() {
    return status == Status.FAILED || failed() > 0 || !error.isEmpty();
  }

  /**
   * This dry run's result with what it found would refuse a run now, before the error it had, if
   * any.
   */
  public ExportResult withRefusals(RunRefusals refusals) {
    String said = refusals.said();
    return said.isEmpty() ? this : copy(status, error.isEmpty() ? said : said + "; " + error, null);
  }

  private ExportResult copy(Status status, String error, String statusFile) {
    return new ExportResult(
        status,
        repository,
        mode,
        branch,
        previousCommitId,
        commitId,
        destination,
        startedAt,
        finishedAt,
        rounds,
        failures,
        failuresOmitted,
        error,
        statusFile,
        plan,
        exporterVersion);
  }

  /** How an export ended. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    /**
     * A dry run: counted (and, skipping identical objects, looked up at the destination), nothing
     * written.
     */
    PLANNED
  }
}
