package io.lakeexporter.exec;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.GuardedListener.ListenerFailedException;
import io.lakeexporter.report.Printable;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.storage.Parallel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the actions of a round on a bounded pool in this JVM. Each worker takes its next action from
 * the listing when it is free, so the listing is pulled only as fast as actions finish and memory
 * stays flat however large the commit. Deletes are gathered into batches of the store's size.
 *
 * <p>Workers pull rather than being handed actions: with thousands of small copies a second, a
 * queue and a wake-up per action cost more of two cores than the lock the workers take in turn.
 */
public final class LocalExecutor implements AutoCloseable {

  private final int concurrency;
  private final ExecutorService actionPool;
  private final ExecutorService partPool;

  public LocalExecutor(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    this.concurrency = concurrency;
    this.actionPool =
        Executors.newFixedThreadPool(concurrency, Parallel.daemonThreads("export-action"));
    this.partPool =
        Executors.newFixedThreadPool(concurrency, Parallel.daemonThreads("export-part"));
  }

  /** The pool for the parts of large objects, separate so that whole copies can wait on parts. */
  public ExecutorService partPool() {
    return partPool;
  }

  /**
   * Runs every action of {@code actions} and waits for all of them.
   *
   * @throws RoundStoppedException when the round stopped before its end: the listing broke off
   *     (lakeFS failing mid-way), an action failed as the rest would ({@link
   *     RoundStoppingFailure}), this thread was interrupted, or a worker failed. Actions already
   *     started are finished and counted first, and the exception carries those counts.
   */
  public RoundSummary runRound(
      int round,
      Stream<Action> actions,
      ActionHandler handler,
      RoundTally.FailureLog failures,
      ProgressListener listener) {
    var tally = new RoundTally(round, failures);
    try (actions) {
      var work = new Work(actions.iterator(), Math.max(1, handler.deleteBatchSize()));
      var workers = new ArrayList<Future<?>>(concurrency);
      for (int i = 0; i < concurrency; i++) {
        workers.add(
            actionPool.submit(
                () -> {
                  try {
                    drain(work, handler, tally, listener);
                  } catch (RuntimeException | Error e) {
                    // The others stop taking actions now, not when the caller gets to this one.
                    work.stop();
                    throw e;
                  }
                }));
      }
      awaitAll(workers, work, handler);
      work.rethrowStop();
    } catch (RuntimeException e) {
      throw new RoundStoppedException(round, tally.stoppedSummary(), e);
    }
    return tally.summary();
  }

  private static void drain(
      Work work, ActionHandler handler, RoundTally tally, ProgressListener listener) {
    for (List<Action> batch = work.next(); batch != null; batch = work.next()) {
      List<ActionOutcome> outcomes;
      try {
        outcomes =
            batch.get(0).kind() == Action.Kind.DELETE
                ? handler.delete(batch)
                : List.of(handler.copy(batch.get(0)));
      } catch (RoundStoppingFailure e) {
        outcomes = e.outcomes();
        work.stopFor(e);
      } catch (RuntimeException | Error e) {
        outcomes = new ArrayList<>(batch.size());
        for (Action a : batch) {
          outcomes.add(
              ActionOutcome.failed(
                  a, "", "unexpected " + e.getClass().getName() + ": " + e.getMessage()));
        }
      }
      for (ActionOutcome outcome : outcomes) {
        tally.add(outcome);
        listener.actionFinished(outcome);
      }
    }
  }

  /**
   * Waits for every worker, also when one of them failed or this thread is interrupted: then no new
   * actions are taken, and those started end and are counted before this returns. An interrupt is a
   * cancel, passed on to {@code handler}: what it can stop of the actions under way (a copy in
   * parts, which on a slow link would run for minutes past the caller's patience) ends sooner.
   */
  private static void awaitAll(List<Future<?>> workers, Work work, ActionHandler handler) {
    boolean interrupted = false;
    Throwable broken = null;
    for (Future<?> worker : workers) {
      while (true) {
        try {
          worker.get();
          break;
        } catch (InterruptedException e) {
          if (!interrupted) {
            interrupted = true;
            work.cancel();
            handler.cancel();
          }
        } catch (ExecutionException e) {
          broken = broken == null ? e.getCause() : broken;
          work.stop();
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptedWhileExporting();
    }
    if (broken instanceof ListenerFailedException) {
      // Already says whose failure it is: the caller's listener, not the export's.
      throw new IllegalStateException(broken.getMessage(), broken);
    }
    if (broken != null) {
      throw new IllegalStateException("an export worker failed: " + broken, broken);
    }
  }

  /** This thread was interrupted while the workers ran. */
  private static final class InterruptedWhileExporting extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InterruptedWhileExporting() {
      super("the export was interrupted");
    }
  }

  /**
   * A round that stopped before its end, with what it did until then. The cause says why: the
   * listing's failure, an action's {@link RoundStoppingFailure}, an interrupt ({@link
   * #interrupted()}), or a worker's failure.
   */
  public static final class RoundStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RoundSummary summary;

    RoundStoppedException(int round, RoundSummary summary, RuntimeException cause) {
      super("round " + round + " stopped: " + Printable.said(cause), cause);
      this.summary = summary;
    }

    /** The counts of what the round did before it stopped; its status is {@code FAILED}. */
    public RoundSummary summary() {
      return summary;
    }

    /** Whether the round stopped because the thread running it was interrupted. */
    public boolean interrupted() {
      return getCause() instanceof InterruptedWhileExporting;
    }
  }

  /** The round's listing, shared by the workers: one takes from it at a time. */
  private static final class Work {
    private final Iterator<Action> listing;
    private final int deleteBatchSize;
    private final List<Action> deletes = new ArrayList<>();
    private RuntimeException stopReason;
    private boolean done;

    Work(Iterator<Action> listing, int deleteBatchSize) {
      this.listing = listing;
      this.deleteBatchSize = deleteBatchSize;
    }

    /** The next copy, or the next batch of deletes; {@code null} when there is nothing left. */
    synchronized List<Action> next() {
      try {
        while (!done && listing.hasNext()) {
          Action action = listing.next();
          if (action.kind() != Action.Kind.DELETE) {
            return List.of(action);
          }
          deletes.add(action);
          if (deletes.size() >= deleteBatchSize) {
            return takeDeletes();
          }
        }
      } catch (RuntimeException e) {
        stopReason = e;
      }
      done = true;
      // Deletes gathered before the listing ended, or broke off, are still done.
      return deletes.isEmpty() ? null : takeDeletes();
    }

    private List<Action> takeDeletes() {
      List<Action> batch = List.copyOf(deletes);
      deletes.clear();
      return batch;
    }

    synchronized void stop() {
      done = true;
    }

    /** Stops the round for an interrupt: no new action, not even the deletes gathered so far. */
    synchronized void cancel() {
      done = true;
      deletes.clear();
    }

    /**
     * Stops the round for an action's failure the rest would meet too: no new action, not even the
     * deletes gathered so far, and the round ends stopped for the first such failure.
     */
    synchronized void stopFor(RoundStoppingFailure failure) {
      cancel();
      if (stopReason == null) {
        stopReason = failure;
      }
    }

    /** Throws what stopped the round before its end: the listing's failure, or an action's. */
    synchronized void rethrowStop() {
      if (stopReason != null) {
        throw stopReason;
      }
    }
  }

  @Override
  public void close() {
    actionPool.shutdownNow();
    partPool.shutdownNow();
    try {
      actionPool.awaitTermination(30, TimeUnit.SECONDS);
      partPool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
