package io.lakeexporter.spark;

import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.RoundSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Spark partition did in a round: counts and the failures it kept. Small, so the driver
 * collects every partition's once, and no copy is ever recomputed to count it.
 */
record PartitionOutcome(
    long copied,
    long deleted,
    long failed,
    long bytes,
    long serverSide,
    long parallelParts,
    long streamed,
    long inPlace,
    List<ActionOutcome> failures,
    long failuresOmitted)
    implements Serializable {

  PartitionOutcome {
    failures = List.copyOf(failures);
  }

  static PartitionOutcome of(RoundSummary s, List<ActionOutcome> failures, long omitted) {
    return new PartitionOutcome(
        s.copied(),
        s.deleted(),
        s.failed(),
        s.bytes(),
        s.copiedBy(CopyStrategy.SERVER_SIDE),
        s.copiedBy(CopyStrategy.PARALLEL_PARTS),
        s.copiedBy(CopyStrategy.STREAM),
        s.copiedBy(CopyStrategy.IN_PLACE),
        failures,
        omitted);
  }

  /** Nothing done. */
  static final PartitionOutcome NONE = new PartitionOutcome(0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);

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
    return new PartitionOutcome(
        copied + other.copied(),
        deleted + other.deleted(),
        failed + other.failed(),
        bytes + other.bytes(),
        serverSide + other.serverSide(),
        parallelParts + other.parallelParts(),
        streamed + other.streamed(),
        inPlace + other.inPlace(),
        kept,
        omitted);
  }
}
