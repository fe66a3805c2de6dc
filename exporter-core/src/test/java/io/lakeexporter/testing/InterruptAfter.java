package io.lakeexporter.testing;

import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.ProgressListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts a thread, the one that made it, once a number of actions have finished: how a test
 * cancels an export part-way, as Ctrl-C does. Counts every action it sees finish.
 */
public final class InterruptAfter implements ProgressListener {
  private final Thread target = Thread.currentThread();
  private final int actions;
  private final AtomicInteger finished = new AtomicInteger();

  public InterruptAfter(int actions) {
    this.actions = actions;
  }

  @Override
  public void actionFinished(ActionOutcome outcome) {
    if (finished.incrementAndGet() == actions) {
      target.interrupt();
    }
  }

  /** Actions finished so far. */
  public int finished() {
    return finished.get();
  }
}
