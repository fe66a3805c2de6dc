package io.lakeexporter.bench;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One timed run of one tool, and whether the destination then held exactly what it should.
 *
 * @param work objects the run had to touch: every object, the changes of a diff, or on a re-run
 *     every object to check
 * @param found what the destination held afterwards
 * @param serverCpuSeconds CPU the shared servers (storage servers, lakeFS emulator) used meanwhile
 * @param ownSeconds the export's duration as the exporter's CLI reports it (JVM start-up aside);
 *     NaN for other tools
 * @param rewritten on a re-run, the destination's objects the run did not leave as they were
 *     (rewritten, removed or added): exactly the stale ones ({@link StaleObjects}) when it passes;
 *     0 elsewhere
 * @param otherCpuSeconds CPU the rest of the machine used during the run: all of it ({@code
 *     /proc/stat}) less the tool's and the servers', at least 0; NaN where unknown
 * @param problem what the check of the destination found wrong beyond the counts (objects missing,
 *     not in the dataset, of the wrong size or bytes, temporaries left, no status file; on a
 *     re-run, stale objects not rewritten or others rewritten), or null
 */
record RunRecord(
    Scenario scenario,
    String tool,
    int run,
    Measured measured,
    long work,
    Workspace.Contents expected,
    Workspace.Contents found,
    double serverCpuSeconds,
    double ownSeconds,
    long rewritten,
    String problem,
    double otherCpuSeconds) {

  private static final Pattern OWN_TIME = Pattern.compile(" -> .* in ([0-9]+\\.[0-9]) s");

  /** The duration the CLI's summary gives in {@code log}, or NaN. */
  static double ownSeconds(String log) {
    var m = OWN_TIME.matcher(log);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  boolean ok() {
    return measured.exitCode() == 0 && expected.equals(found) && problem == null;
  }

  /**
   * Whether other processes took more than {@link #BUSY_FLOOR_SECONDS} and {@link #BUSY_SHARE} of a
   * core over the run: enough to move a result on a machine of two cores.
   */
  boolean otherLoad() {
    return otherCpuSeconds > BUSY_FLOOR_SECONDS + BUSY_SHARE * measured.wallSeconds();
  }

  /** 0.5 s of other CPU per 10 s of wall time. */
  static final double BUSY_SHARE = 0.05;

  /**
   * What every run shows besides the tool and the servers, loaded or not: the measuring wrapper's
   * own Python and the kernel's threads that write the tool's pages back, 0.1-0.3 s in a quiet run
   * of two seconds (check 40), which the share alone flagged in every short run.
   */
  static final double BUSY_FLOOR_SECONDS = 0.5;

  double objectsPerSecond() {
    return work / measured.wallSeconds();
  }

  double mibPerSecond() {
    return expected.bytes() / 1048576.0 / measured.wallSeconds();
  }

  static String csvHeader() {
    return "scenario,dataset,from,to,tool,run,wall_s,cpu_s,server_cpu_s,peak_rss_mib,exit,"
        + "work_objects,"
        + "expected_objects,expected_bytes,found_objects,found_bytes,own_s,rewritten_objects,ok,"
        // Added later: at the end, so that the older files' columns keep their places.
        + "other_cpu_s";
  }

  String csv() {
    return String.join(
        ",",
        scenario.id(),
        scenario.dataset().kind(),
        scenario.from().label,
        scenario.to().label,
        tool,
        String.valueOf(run),
        String.format(Locale.ROOT, "%.3f", measured.wallSeconds()),
        String.format(Locale.ROOT, "%.3f", measured.cpuSeconds()),
        String.format(Locale.ROOT, "%.3f", serverCpuSeconds),
        String.format(Locale.ROOT, "%.1f", measured.maxRssKib() / 1024.0),
        String.valueOf(measured.exitCode()),
        String.valueOf(work),
        String.valueOf(expected.objects()),
        String.valueOf(expected.bytes()),
        String.valueOf(found.objects()),
        String.valueOf(found.bytes()),
        Double.isNaN(ownSeconds) ? "" : String.format(Locale.ROOT, "%.1f", ownSeconds),
        scenario.dataset().isRerun() ? String.valueOf(rewritten) : "",
        String.valueOf(ok()),
        Double.isNaN(otherCpuSeconds) ? "" : String.format(Locale.ROOT, "%.3f", otherCpuSeconds));
  }
}
