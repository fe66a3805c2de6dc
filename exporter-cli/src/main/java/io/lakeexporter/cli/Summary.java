package io.lakeexporter.cli;

import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.source.LakeFsConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The few lines an export ends with. Built by concatenation rather than {@code printf}: they are
 * printed after the last object is in place, where {@link java.util.Formatter}'s first use cost 7-9
 * ms of every export's wall time (see {@link Printable#tenths}).
 */
final class Summary {

  private static final int FAILURES_SHOWN = 5;

  private Summary() {}

  /**
   * Prints how an export ended.
   *
   * @param lakeFs where the objects came from; only its endpoint and access key id are printed
   */
  static void print(PrintWriter out, ExportResult r, LakeFsConfig lakeFs) {
    print(out, r, lakeFs, false);
  }

  /**
   * As {@link #print(PrintWriter, ExportResult, LakeFsConfig)}, for an export that may have been a
   * dry run {@code lookedUp} at the destination (skipping identical objects): it then says how many
   * copies it found there already.
   */
  static void print(PrintWriter out, ExportResult r, LakeFsConfig lakeFs, boolean lookedUp) {
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
      printDryRun(out, r, what, lakeFs, lookedUp);
      return;
    }
    Duration took = Duration.between(r.startedAt(), r.finishedAt());
    out.println(
        (r.succeeded() ? "Exported" : "FAILED")
            + ": repository "
            + r.repository()
            + ", "
            + what
            + " -> "
            + r.destination()
            + " in "
            + Printable.tenths(took.toMillis() / 1000.0)
            + " s");
    out.println("  lakeFS: " + source(lakeFs));
    for (RoundSummary s : r.rounds()) {
      out.println(
          "  round "
              + s.round()
              + " "
              + s.status().name().toLowerCase(Locale.ROOT)
              + ": "
              + s.copied()
              + " copied ("
              + Printable.bytes(s.bytes())
              + "), "
              + s.deleted()
              + " deleted, "
              + s.failed()
              + " failed"
              + (s.copied() == 0 ? "" : strategies(s)));
    }
    if (!r.error().isEmpty()) {
      out.println("  error: " + Printable.line(r.error()));
    }
    r.failureLines(FAILURES_SHOWN, "failed ").forEach(line -> out.println("  " + line));
    if (r.statusFile() != null) {
      out.println("  status file: " + r.statusFile());
      if (r.failed() > 0) {
        out.println("  the status file lists every failed operation");
      }
    }
    out.flush();
  }

  private static void printDryRun(
      PrintWriter out, ExportResult r, String what, LakeFsConfig lakeFs, boolean lookedUp) {
    out.println(
        "Dry run of repository "
            + r.repository()
            + ", "
            + what
            + " -> "
            + r.destination()
            + (lookedUp ? ", skipping identical objects" : ""));
    for (RoundSummary s : r.rounds()) {
      out.println("  " + s.plannedLine(Printable.bytes(s.bytes()), lookedUp));
    }
    r.failureLines(FAILURES_SHOWN, "would fail: ").forEach(line -> out.println("  " + line));
    if (!r.error().isEmpty()) {
      out.println("  " + Printable.line(r.error()));
    }
    out.println("  lakeFS: " + source(lakeFs));
    out.println("Nothing was written.");
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
