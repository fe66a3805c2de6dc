package io.lakeexporter.report;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A caller's {@link ProgressListener} whose failures are told apart from the export's own: what a
 * callback throws comes out as a {@link ListenerFailedException} naming the listener and the
 * callback, so that the export can end as a failure with its status file written, in words that
 * point at the listener rather than at lakeFS or a store.
 */
public final class GuardedListener implements ProgressListener {

  private final ProgressListener listener;

  private GuardedListener(ProgressListener listener) {
    this.listener = listener;
  }

  /** {@code listener} guarded; {@link ProgressListener#NONE}, which never throws, as it is. */
  public static ProgressListener of(ProgressListener listener) {
    Objects.requireNonNull(listener, "listener is null");
    return listener == NONE || listener instanceof GuardedListener
        ? listener
        : new GuardedListener(listener);
  }

  @Override
  public void planned(PlanTotals totals) {
    call("planned", totals, listener::planned);
  }

  @Override
  public void roundStarted(int round) {
    call("roundStarted", round, listener::roundStarted);
  }

  @Override
  public void actionFinished(ActionOutcome outcome) {
    call("actionFinished", outcome, listener::actionFinished);
  }

  @Override
  public void roundFinished(RoundSummary summary) {
    call("roundFinished", summary, listener::roundFinished);
  }

  private <T> void call(String callback, T argument, Consumer<T> target) {
    try {
      target.accept(argument);
    } catch (RuntimeException e) {
      throw new ListenerFailedException(
          "progress listener "
              + listener.getClass().getName()
              + " failed in "
              + callback
              + ": "
              + e,
          e);
    }
  }

  /** A listener's callback threw; the cause is what it threw. */
  public static final class ListenerFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ListenerFailedException(String message, RuntimeException cause) {
      super(message, cause);
    }
  }
}
