package io.lakeexporter.spark;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.ProgressListener;
import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * An export's progress as named Spark accumulators, shown on the Spark UI's stage pages as tasks
 * end: objects copied, bytes copied, objects deleted, actions failed. Executors add to them as each
 * action ends; the driver adds the objects it completes from parts.
 */
final class ExportAccumulators implements ProgressListener, Serializable {
  private static final long serialVersionUID = 1L;

  private final LongAccumulator copied;
  private final LongAccumulator bytes;
  private final LongAccumulator deleted;
  private final LongAccumulator failed;

  private ExportAccumulators(SparkContext spark, String repository) {
    String prefix = "lakeFS export of " + repository + ": ";
    this.copied = spark.longAccumulator(prefix + "objects copied");
    this.bytes = spark.longAccumulator(prefix + "bytes copied");
    this.deleted = spark.longAccumulator(prefix + "objects deleted");
    this.failed = spark.longAccumulator(prefix + "actions failed");
  }

  /** New accumulators of one export, registered with {@code spark}. */
  static ExportAccumulators register(SparkContext spark, String repository) {
    return new ExportAccumulators(spark, repository);
  }

  /**
   * Called by the executor's worker threads at once; Spark's accumulators are not thread safe (an
   * unguarded add loses counts), so one task's adds take turns.
   */
  @Override
  public synchronized void actionFinished(ActionOutcome outcome) {
    if (!outcome.succeeded()) {
      failed.add(1);
    } else if (outcome.kind() == Action.Kind.COPY) {
      copied.add(1);
      bytes.add(outcome.bytes());
    } else {
      deleted.add(1);
    }
  }

  /** Objects copied so far, as the driver sees it. */
  long copied() {
    return copied.value();
  }

  /** Bytes copied so far, as the driver sees it. */
  long bytes() {
    return bytes.value();
  }

  /** Adds what the driver did itself (objects copied in parts, completed there). */
  synchronized void add(PartitionOutcome outcome) {
    copied.add(outcome.copied());
    bytes.add(outcome.bytes());
    deleted.add(outcome.deleted());
    failed.add(outcome.failed());
  }
}
