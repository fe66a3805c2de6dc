package io.lakeexporter.spark;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.RoundSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one Spark partition did in a round: counts and the failures it kept, and why it stopped
 * before its last action, if it did. Small, so the driver collects every partition's once, and no
 * copy is ever recomputed to count it.
 *
 * @param stopped why the partition took no more actions (a server the export needs gone), or empty
 */
record PartitionOutcome(
    long copied,
    long deleted,
    long failed,
    long bytes,
    Map<CopyStrategy, Long> copiedBy,
    List<ActionOutcome> failures,
    long failuresOmitted,
    String stopped)
    implements Serializable {

  PartitionOutcome {
    // An EnumMap: serializable, and small on the wire.
    copiedBy = copiedBy.isEmpty() ? new EnumMap<>(CopyStrategy.class) : new EnumMap<>(copiedBy);
    failures = List.copyOf(failures);
    Objects.requireNonNull(stopped, "stopped is null");
  }

  static PartitionOutcome of(RoundSummary s, List<ActionOutcome> failures, long omitted) {
    return stopped(s, failures, omitted, "");
  }

  /** What a partition did before it stopped, {@code why}. */
  static PartitionOutcome stopped(
      RoundSummary s, List<ActionOutcome> failures, long omitted, String why) {
    var by = new EnumMap<CopyStrategy, Long>(CopyStrategy.class);
    for (CopyStrategy strategy : CopyStrategy.values()) {
      by.put(strategy, s.copiedBy(strategy));
    }
    return new PartitionOutcome(
        s.copied(), s.deleted(), s.failed(), s.bytes(), by, failures, omitted, why);
  }

  /** Nothing done. */
  static final PartitionOutcome NONE = new PartitionOutcome(0, 0, 0, 0, Map.of(), List.of(), 0, "");

  /** Objects copied by {@code strategy}. */
  long copiedBy(CopyStrategy strategy) {
    return copiedBy.getOrDefault(strategy, 0L);
  }

  /**
   * This outcome and {@code other} summed, keeping at most {@code failuresKept} failures (the rest
   * counted as omitted): outcomes of one round folded as they come stay as small as one.
   */
  PartitionOutcome plus(PartitionOutcome other, int failuresKept) {
    var kept = new ArrayList<ActionOutcome>(failures);
    long omitted = failuresOmitted + other.failuresOmitted();
    for (ActionOutcome f : other.failures()) {
      if (kept.size() < failuresKept) {
        kept.add(f);
      } else {
        omitted++;
      }
    }
    var by = new EnumMap<CopyStrategy, Long>(copiedBy);
    other.copiedBy().forEach((strategy, n) -> by.merge(strategy, n, Long::sum));
    return new PartitionOutcome(
        copied + other.copied(),
        deleted + other.deleted(),
        failed + other.failed(),
        bytes + other.bytes(),
        by,
        kept,
        omitted,
        stopped.isEmpty() ? other.stopped() : stopped);
  }
}
