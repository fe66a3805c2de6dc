package io.lakeexporter.cli;

import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.source.LakeFsConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/** The few lines an export ends with. */
final class Summary {

  private static final int FAILURES_SHOWN = 5;

  private Summary() {}

  /**
   * Prints how an export ended.
   *
   * @param lakeFs where the objects came from; only its endpoint and access key id are printed
   */
  static void print(PrintWriter out, ExportResult r, LakeFsConfig lakeFs) {
    String what =
        switch (r.mode()) {
          case BRANCH -> "branch " + r.branch() + " at commit " + r.commitId();
          case COMMIT -> "commit " + r.commitId();
          case DIFF ->
              "changes "
                  + r.previousCommitId()
                  + ".."
                  + r.commitId()
                  + " (branch "
                  + r.branch()
                  + ")";
        };
    if (r.status() == ExportResult.Status.PLANNED) {
      out.printf("Dry run of repository %s, %s -> %s%n", r.repository(), what, r.destination());
      for (PlanTotals.RoundTotals t : r.plan().rounds()) {
        out.printf(
            "  round %d: %d to copy (%s), %d to delete%n",
            t.round(), t.copies(), ProgressBar.bytes(t.bytes()), t.deletes());
      }
      out.println("  lakeFS: " + source(lakeFs));
      out.println("Nothing was written.");
      out.flush();
      return;
    }
    Duration took = Duration.between(r.startedAt(), r.finishedAt());
    out.printf(
        "%s: repository %s, %s -> %s in %.1f s%n",
        r.succeeded() ? "Exported" : "FAILED",
        r.repository(),
        what,
        r.destination(),
        took.toMillis() / 1000.0);
    out.println("  lakeFS: " + source(lakeFs));
    for (RoundSummary s : r.rounds()) {
      out.printf(
          "  round %d %s: %d copied (%s), %d deleted, %d failed%s%n",
          s.round(),
          s.status().name().toLowerCase(Locale.ROOT),
          s.copied(),
          ProgressBar.bytes(s.bytes()),
          s.deleted(),
          s.failed(),
          s.copied() == 0 ? "" : strategies(s));
    }
    if (!r.error().isEmpty()) {
      out.println("  error: " + r.error());
    }
    for (int i = 0; i < Math.min(FAILURES_SHOWN, r.failures().size()); i++) {
      ActionOutcome f = r.failures().get(i);
      out.printf("  failed %s %s: %s%n", f.kind().label(), f.path(), f.error());
    }
    long more = r.failed() - Math.min(FAILURES_SHOWN, r.failures().size());
    if (more > 0) {
      out.printf("  ... and %d more failures%n", more);
    }
    if (r.statusFile() != null) {
      out.println("  status file: " + r.statusFile());
      if (r.failed() > 0) {
        out.println("  the status file lists every failed operation");
      }
    }
    out.flush();
  }

  /** The endpoint and access key id; never the secret. */
  private static String source(LakeFsConfig lakeFs) {
    return lakeFs.apiUrl() + " (access key id " + lakeFs.accessKeyId() + ")";
  }

  private static String strategies(RoundSummary s) {
    var sb = new StringBuilder(" [");
    boolean first = true;
    for (CopyStrategy strategy : CopyStrategy.values()) {
      long n = s.copiedBy(strategy);
      if (n > 0) {
        sb.append(first ? "" : ", ").append(strategy.label()).append(' ').append(n);
        first = false;
      }
    }
    return sb.append(']').toString();
  }
}
