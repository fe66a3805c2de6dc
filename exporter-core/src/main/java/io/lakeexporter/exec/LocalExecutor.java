package io.lakeexporter.exec;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.report.RoundTally;
import io.lakeexporter.storage.Parallel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the actions of a round on a bounded pool in this JVM. The listing is pulled only as fast as
 * workers free up (at most twice the concurrency in flight), so memory stays flat however large the
 * commit. Deletes are gathered into batches of the store's size.
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
   * @throws RuntimeException from the listing itself (lakeFS failing mid-way); actions already
   *     started are finished and counted first
   */
  public RoundSummary runRound(
      int round,
      Stream<Action> actions,
      ActionHandler handler,
      RoundTally.FailureLog failures,
      ProgressListener listener) {
    var tally = new RoundTally(round, failures);
    var permits = new Semaphore(concurrency * 2);
    var inFlight = new Phaser(1);
    int batchSize = Math.max(1, handler.deleteBatchSize());
    var deletes = new ArrayList<Action>(Math.min(batchSize, 1024));
    try (actions) {
      Iterator<Action> it = actions.iterator();
      while (it.hasNext()) {
        Action action = it.next();
        if (action.kind() == Action.Kind.DELETE) {
          deletes.add(action);
          if (deletes.size() >= batchSize) {
            submit(permits, inFlight, List.copyOf(deletes), handler, tally, listener);
            deletes.clear();
          }
        } else {
          submit(permits, inFlight, List.of(action), handler, tally, listener);
        }
      }
      if (!deletes.isEmpty()) {
        submit(permits, inFlight, List.copyOf(deletes), handler, tally, listener);
      }
    } finally {
      inFlight.arriveAndAwaitAdvance();
    }
    return tally.summary();
  }

  private void submit(
      Semaphore permits,
      Phaser inFlight,
      List<Action> batch,
      ActionHandler handler,
      RoundTally tally,
      ProgressListener listener) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while exporting", e);
    }
    inFlight.register();
    actionPool.execute(
        () -> {
          try {
            List<ActionOutcome> outcomes =
                batch.get(0).kind() == Action.Kind.DELETE
                    ? handler.delete(batch)
                    : List.of(handler.copy(batch.get(0)));
            for (ActionOutcome outcome : outcomes) {
              tally.add(outcome);
              listener.actionFinished(outcome);
            }
          } catch (RuntimeException | Error e) {
            for (Action a : batch) {
              ActionOutcome failed =
                  ActionOutcome.failed(
                      a, "", "unexpected " + e.getClass().getName() + ": " + e.getMessage());
              tally.add(failed);
              listener.actionFinished(failed);
            }
          } finally {
            permits.release();
            inFlight.arriveAndDeregister();
          }
        });
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
