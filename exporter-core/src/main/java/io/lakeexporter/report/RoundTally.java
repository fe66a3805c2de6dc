package io.lakeexporter.report;

import io.lakeexporter.copy.CopyStrategy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the outcomes of one round as workers report them, and keeps the first {@value
 * #MAX_FAILURES} failures of the whole export (the rest are only counted). Thread safe.
 */
public final class RoundTally {

  /** At most this many failures are kept, for the status file. */
  public static final int MAX_FAILURES = 10_000;

  private final int round;
  private final AtomicLong copied = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final EnumMap<CopyStrategy, AtomicLong> byStrategy = new EnumMap<>(CopyStrategy.class);
  private final FailureLog failures;

  public RoundTally(int round, FailureLog failures) {
    this.round = round;
    this.failures = failures;
    for (CopyStrategy s : CopyStrategy.values()) {
      byStrategy.put(s, new AtomicLong());
    }
  }

  public void add(ActionOutcome outcome) {
    if (!outcome.succeeded()) {
      failed.incrementAndGet();
      failures.add(outcome);
      return;
    }
    switch (outcome.kind()) {
      case COPY -> {
        copied.incrementAndGet();
        bytes.addAndGet(outcome.bytes());
        if (outcome.strategy() != null) {
          byStrategy.get(outcome.strategy()).incrementAndGet();
        }
      }
      case DELETE -> deleted.incrementAndGet();
    }
  }

  public long failed() {
    return failed.get();
  }

  /** The counts of a round that ran to its end: it succeeded when no action failed. */
  public RoundSummary summary() {
    return summary(failed.get() == 0 ? RoundSummary.Status.SUCCEEDED : RoundSummary.Status.FAILED);
  }

  /**
   * The counts so far of a round that stopped before its end (a listing that broke off, an
   * interrupt): {@code FAILED}, with what was done, so that a report tells how much of the
   * destination changed.
   */
  public RoundSummary stoppedSummary() {
    return summary(RoundSummary.Status.FAILED);
  }

  private RoundSummary summary(RoundSummary.Status status) {
    var by = new EnumMap<CopyStrategy, Long>(CopyStrategy.class);
    byStrategy.forEach((k, v) -> by.put(k, v.get()));
    return new RoundSummary(
        round, status, copied.get(), deleted.get(), failed.get(), bytes.get(), by);
  }

  /** The failures of an export: the first {@value #MAX_FAILURES} kept, the rest counted. */
  public static final class FailureLog {
    private final List<ActionOutcome> kept = new ArrayList<>();
    private final int capacity;
    private long omitted;

    /** A log that keeps up to {@link #MAX_FAILURES}. */
    public FailureLog() {
      this(MAX_FAILURES);
    }

    /**
     * A log that keeps up to {@code capacity} failures and counts the rest: a share of {@link
     * #MAX_FAILURES} where many logs are merged (one per Spark partition), so that the merge stays
     * bounded.
     */
    public FailureLog(int capacity) {
      if (capacity < 0) {
        throw new IllegalArgumentException("capacity must not be negative: " + capacity);
      }
      this.capacity = capacity;
    }

    public synchronized void add(ActionOutcome failure) {
      if (kept.size() < capacity) {
        kept.add(failure);
      } else {
        omitted++;
      }
    }

    public synchronized List<ActionOutcome> kept() {
      return List.copyOf(kept);
    }

    public synchronized long omitted() {
      return omitted;
    }
  }
}
