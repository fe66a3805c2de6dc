package io.lakeexporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The raw numbers as CSV and the medians as a Markdown table, with the targets checked. */
final class Report {

  static final String CLI = "exporter (CLI)";
  private final List<RunRecord> records;
  private final PlanningResult planning;
  private final Profile profile;
  private final Map<String, String> environment;

  Report(
      List<RunRecord> records,
      PlanningResult planning,
      Profile profile,
      Map<String, String> environment) {
    this.records = List.copyOf(records);
    this.planning = planning;
    this.profile = profile;
    this.environment = environment;
  }

  void write(Path directory) throws IOException {
    Files.createDirectories(directory);
    var csv = new StringBuilder(RunRecord.csvHeader()).append('\n');
    records.forEach(r -> csv.append(r.csv()).append('\n'));
    Files.writeString(directory.resolve(profile.name() + "-raw.csv"), csv);
    Files.writeString(directory.resolve(profile.name() + "-results.md"), markdown());
  }

  String markdown() {
    var md = new StringBuilder();
    md.append("# Benchmark results: ").append(profile.name()).append(" profile\n\n");
    environment.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append('\n');
    md.append("## Targets\n\n");
    targets().forEach(line -> md.append("- ").append(line).append('\n'));
    md.append('\n');
    List<String> loaded = otherLoad();
    if (!loaded.isEmpty()) {
      md.append("## Other load on the machine\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "Runs during which other processes used more than %.1f s of CPU, and %.1f s per"
                  + " 10 s of wall time beyond it (the machine's CPU less the tool's and the"
                  + " servers'): their numbers may be off.\n\n",
              RunRecord.BUSY_FLOOR_SECONDS,
              RunRecord.BUSY_SHARE * 10));
      loaded.forEach(line -> md.append("- ").append(line).append('\n'));
      md.append('\n');
    }
    for (var scenario : byScenario().entrySet()) {
      List<RunRecord> runs = scenario.getValue();
      RunRecord first = runs.get(0);
      md.append("## ").append(scenario.getKey()).append("\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "%d objects, %.1f MiB%s.\n\n",
              first.expected().objects(),
              first.expected().bytes() / 1048576.0,
              first.scenario().dataset().isDiff()
                  ? "; " + first.work() + " of them changed since the destination's commit"
                  : first.scenario().dataset().isRerun()
                      ? ", every one at the destination already (a full export's); objects/s is"
                          + " objects checked per second; before each run "
                          + StaleObjects.COUNT
                          + " of them are made stale, and a run that does not rewrite exactly"
                          + " those fails"
                      : ""));
      md.append(
          "| tool | wall s | objects/s | MiB/s | peak RSS MiB | CPU s | servers' CPU s | runs ok"
              + " |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (var tool : byTool(runs).entrySet()) {
        List<RunRecord> all = tool.getValue();
        // A failed run's time is not a time for the work: the medians are of the runs that passed.
        List<RunRecord> t = all.stream().filter(RunRecord::ok).toList();
        // No bytes to move: MiB/s would only restate objects/s.
        boolean noBytes =
            first.scenario().dataset().isDiff() || first.scenario().dataset().isRerun();
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %.2f | %.0f | %s | %.0f | %.1f | %.1f | %d/%d |\n",
                tool.getKey(),
                median(t, r -> r.measured().wallSeconds()),
                rate(t, RunRecord::objectsPerSecond),
                noBytes
                    ? "-"
                    : String.format(Locale.ROOT, "%.1f", rate(t, RunRecord::mibPerSecond)),
                median(t, r -> r.measured().maxRssKib() / 1024.0),
                median(t, r -> r.measured().cpuSeconds()),
                median(t, RunRecord::serverCpuSeconds),
                t.size(),
                all.size()));
      }
      md.append('\n');
    }
    if (planning != null) {
      md.append("## Planning ").append(planning.entries()).append(" objects\n\n");
      md.append(
          String.format(
              Locale.ROOT,
              "Listing and planning through the lakeFS API (a dry run) in a JVM limited to %d MiB"
                  + " of heap: median %.0f entries/s over %d passes after a warm-up, peak heap in"
                  + " use %.1f MiB, peak RSS %.0f MiB, exit code %d.\n",
              planning.maxHeapMib(),
              planning.medianEntriesPerSecond(),
              planning.entriesPerSecond().size(),
              planning.peakHeapMib(),
              planning.measured().maxRssKib() / 1024.0,
              planning.measured().exitCode()));
    }
    return md.toString();
  }

  /** A line for each run that shared the machine with other load: {@link RunRecord#otherLoad}. */
  List<String> otherLoad() {
    return records.stream()
        .filter(RunRecord::otherLoad)
        .map(
            r ->
                String.format(
                    Locale.ROOT,
                    "%s, %s, run %d: %.1f s of other CPU in %.2f s",
                    r.scenario().id(),
                    r.tool(),
                    r.run(),
                    r.otherCpuSeconds(),
                    r.measured().wallSeconds()))
        .toList();
  }

  /** Each target of the issue as a sentence with its ratio and verdict. */
  List<String> targets() {
    var lines = new ArrayList<String>();
    ratio(
        lines, "small S3Proxy -> S3Proxy", "rclone", RunRecord::objectsPerSecond, 2.0, "objects/s");
    ratio(
        lines,
        "large S3Proxy -> local",
        "parallel ranged GETs",
        RunRecord::mibPerSecond,
        0.9,
        "MiB/s");
    ratio(lines, "large S3Proxy -> local", "rclone", RunRecord::mibPerSecond, 1.0, "MiB/s");
    ratio(lines, "large S3Proxy -> local", "aws s3", RunRecord::mibPerSecond, 1.0, "MiB/s");
    for (String side : List.of("local -> local", "S3Proxy -> S3Proxy")) {
      if (allRuns("diff " + side, CLI).isEmpty() || allRuns("small " + side, CLI).isEmpty()) {
        continue;
      }
      List<RunRecord> diff = runs("diff " + side, CLI);
      List<RunRecord> full = runs("small " + side, CLI);
      String failed = failed("diff " + side, CLI, "exporter", null);
      if (failed == null) {
        failed = failed("small " + side, CLI, "full export", null);
      }
      if (diff.isEmpty() || full.isEmpty()) {
        lines.add("diff " + side + ": " + failed);
        continue;
      }
      double d = median(diff, r -> r.measured().wallSeconds());
      double f = median(full, r -> r.measured().wallSeconds());
      double changeShare = (double) diff.get(0).work() / diff.get(0).expected().objects();
      lines.add(
          String.format(
                  Locale.ROOT,
                  "diff %s: %d changes in %d objects took %.2f s, %.3f of the %.2f s a full export of"
                      + " %d objects takes (changes are %.3f of the objects); the exports themselves,"
                      + " JVM start-up aside: %.1f s and %.1f s",
                  side,
                  diff.get(0).work(),
                  diff.get(0).expected().objects(),
                  d,
                  d / f,
                  f,
                  full.get(0).expected().objects(),
                  changeShare,
                  median(diff, RunRecord::ownSeconds),
                  median(full, RunRecord::ownSeconds))
              + (failed == null ? "" : "; " + failed));
    }
    for (String side : List.of("local -> local", "S3Proxy -> S3Proxy")) {
      rerun(lines, side);
    }
    if (planning != null) {
      lines.add(
          String.format(
              Locale.ROOT,
              "planning %d objects under -Xmx%dm: %s, peak heap %.1f MiB, %.0f entries/s",
              planning.entries(),
              planning.maxHeapMib(),
              planning.ok(profile.planningEntries()) ? "met" : "NOT MET",
              planning.peakHeapMib(),
              planning.medianEntriesPerSecond()));
    }
    return lines;
  }

  /**
   * A re-run of a completed export: no target, but what checking every object costs, against
   * rclone's check of the same objects and a full export's time.
   */
  private void rerun(List<String> lines, String side) {
    String id = Dataset.AGAIN + " " + side;
    List<RunRecord> again = runs(id, CLI);
    if (allRuns(id, CLI).isEmpty()) {
      return;
    }
    String failed = failed(id, CLI, "exporter", "rclone");
    if (again.isEmpty()) {
      lines.add(id + ": " + failed);
      return;
    }
    double seconds = median(again, r -> r.measured().wallSeconds());
    double own = median(again, RunRecord::ownSeconds);
    var line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s %s: the exporter checked %d objects already there in %.2f s (%.0f objects/s%s)",
                Dataset.AGAIN,
                side,
                again.get(0).expected().objects(),
                seconds,
                rate(again, RunRecord::objectsPerSecond),
                Double.isNaN(own)
                    ? ""
                    : String.format(
                        Locale.ROOT, "; the export itself %.1f s, JVM start-up aside", own)));
    List<RunRecord> rclone = runs(Dataset.AGAIN + " " + side, "rclone");
    if (!rclone.isEmpty()) {
      double theirs = median(rclone, r -> r.measured().wallSeconds());
      line.append(
          String.format(
              Locale.ROOT,
              ", rclone copy --checksum in %.2f s (the exporter at %.2fx its objects/s)",
              theirs,
              theirs / seconds));
    }
    List<RunRecord> full = runs("small " + side, CLI);
    if (!full.isEmpty()) {
      double f = median(full, r -> r.measured().wallSeconds());
      line.append(
          String.format(Locale.ROOT, "; %.3f of the %.2f s a full export takes", seconds / f, f));
    }
    lines.add(line.append(failed == null ? "; no target" : "; " + failed).toString());
  }

  private void ratio(
      List<String> lines,
      String scenario,
      String peer,
      ToDoubleFunction<RunRecord> metric,
      double target,
      String unit) {
    List<RunRecord> ours = runs(scenario, CLI);
    List<RunRecord> theirs = runs(scenario, peer);
    if (allRuns(scenario, CLI).isEmpty() || allRuns(scenario, peer).isEmpty()) {
      return;
    }
    String failed = failed(scenario, CLI, "exporter", peer);
    double a = rate(ours, metric);
    double b = rate(theirs, metric);
    // Runs of the same number ran in the same round, next to each other.
    var perRun = new ArrayList<Double>();
    for (RunRecord o : ours) {
      theirs.stream()
          .filter(t -> t.run() == o.run())
          .findFirst()
          .ifPresent(t -> perRun.add(metric.applyAsDouble(o) / metric.applyAsDouble(t)));
    }
    lines.add(
        String.format(
                Locale.ROOT,
                "%s: exporter %.1f %s vs %s %.1f %s = %.2fx (target %.1fx): %s",
                scenario,
                a,
                unit,
                peer,
                b,
                unit,
                a / b,
                target,
                failed != null ? failed : a / b >= target ? "met" : "NOT MET")
            + spread(perRun, target));
  }

  /**
   * How the ratio went run by run, each exporter run against the peer's run of the same round: on
   * two shared cores the spread between runs can be as wide as a target's margin, and a ratio of
   * medians alone hides that.
   */
  static String spread(List<Double> ratios, double target) {
    if (ratios.size() < 2) {
      return "";
    }
    var range = ratios.stream().mapToDouble(Double::doubleValue).summaryStatistics();
    long reached = ratios.stream().filter(r -> r >= target).count();
    return String.format(
        Locale.ROOT,
        "; run by run %.2f-%.2fx, at the target in %d of %d",
        range.getMin(),
        range.getMax(),
        reached,
        ratios.size());
  }

  /** The runs of {@code tool} on the scenario that passed their check: the only ones measured. */
  private List<RunRecord> runs(String scenarioId, String tool) {
    return allRuns(scenarioId, tool).stream().filter(RunRecord::ok).toList();
  }

  private List<RunRecord> allRuns(String scenarioId, String tool) {
    return records.stream()
        .filter(r -> r.scenario().id().equals(scenarioId) && r.tool().equals(tool))
        .toList();
  }

  /**
   * "INVALID: 1 of 5 exporter runs failed" when a run of either tool a line compares failed its
   * check ({@code peer} may be null), or null: a verdict on the runs that passed would hide that a
   * tool did not do the work in the others.
   */
  private String failed(String scenarioId, String ours, String oursLabel, String peer) {
    var parts = new ArrayList<String>();
    for (String tool : peer == null ? List.of(ours) : List.of(ours, peer)) {
      List<RunRecord> all = allRuns(scenarioId, tool);
      long failures = all.stream().filter(r -> !r.ok()).count();
      if (failures > 0) {
        parts.add(
            failures
                + " of "
                + all.size()
                + " "
                + (tool.equals(ours) ? oursLabel : tool)
                + " runs failed");
      }
    }
    return parts.isEmpty() ? null : "INVALID: " + String.join(", ", parts);
  }

  private Map<String, List<RunRecord>> byScenario() {
    var map = new LinkedHashMap<String, List<RunRecord>>();
    records.forEach(r -> map.computeIfAbsent(r.scenario().id(), k -> new ArrayList<>()).add(r));
    return map;
  }

  private static Map<String, List<RunRecord>> byTool(List<RunRecord> runs) {
    var map = new LinkedHashMap<String, List<RunRecord>>();
    runs.forEach(r -> map.computeIfAbsent(r.tool(), k -> new ArrayList<>()).add(r));
    return map;
  }

  /**
   * A rate ({@code perRun}: a run's objects/s or MiB/s) at the median wall time: with an even
   * number of runs, the median of the runs' rates would average other runs than the wall time's
   * median does, and the table's columns would disagree.
   */
  static double rate(List<RunRecord> runs, ToDoubleFunction<RunRecord> perRun) {
    if (runs.isEmpty()) {
      return Double.NaN;
    }
    RunRecord first = runs.get(0);
    // The work of every run of a scenario is the same: the rate's numerator, over any one wall.
    double amount = perRun.applyAsDouble(first) * first.measured().wallSeconds();
    return amount / median(runs, r -> r.measured().wallSeconds());
  }

  static double median(List<RunRecord> runs, ToDoubleFunction<RunRecord> metric) {
    return median(runs.stream().mapToDouble(metric).boxed().toList());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    var sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
