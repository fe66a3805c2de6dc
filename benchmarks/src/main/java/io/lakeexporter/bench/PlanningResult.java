package io.lakeexporter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the planning benchmark printed, and how its process ended. */
record PlanningResult(
    long entries,
    List<Double> entriesPerSecond,
    double peakHeapMib,
    long maxHeapMib,
    Measured measured) {

  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT entries=(\\d+) seconds=[0-9.]+ entriesPerSecond=(\\d+) peakHeapMiB=([0-9.]+)"
              + " maxHeapMiB=(\\d+)");

  static PlanningResult parse(String log, Measured measured) {
    long entries = -1;
    var rates = new ArrayList<Double>();
    double peak = 0;
    long max = -1;
    Matcher m = RESULT.matcher(log);
    while (m.find()) {
      entries = Long.parseLong(m.group(1));
      rates.add(Double.parseDouble(m.group(2)));
      peak = Math.max(peak, Double.parseDouble(m.group(3)));
      max = Long.parseLong(m.group(4));
    }
    return new PlanningResult(entries, List.copyOf(rates), peak, max, measured);
  }

  boolean ok(long expectedEntries) {
    return measured.exitCode() == 0 && entries == expectedEntries && !entriesPerSecond.isEmpty();
  }

  double medianEntriesPerSecond() {
    return Report.median(entriesPerSecond);
  }
}
