package io.lakeexporter.exec;

import io.lakeexporter.report.ActionOutcome;
import java.util.List;
import java.util.Objects;

/**
 * Actions that failed in a way the rest of their round would fail too: a server the export needs
 * (lakeFS, the source's store, the destination) cannot be reached at all, after the attempts the
 * retry policy allows. An {@link ActionHandler} throws it in place of returning the outcomes; the
 * round counts them and then takes no more actions, rather than trying each of its objects against
 * a server that is gone (seconds of backoff apiece, minutes for a round of thousands).
 */
public final class RoundStoppingFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<ActionOutcome> outcomes;

  /**
   * @param outcomes the failed actions, at least one
   * @param reason why the next actions would fail too, in words
   */
  public RoundStoppingFailure(List<ActionOutcome> outcomes, String reason) {
    super(Objects.requireNonNull(reason, "reason is null"));
    if (outcomes.isEmpty()) {
      throw new IllegalArgumentException("a round stops on at least one failed action");
    }
    this.outcomes = List.copyOf(outcomes);
  }

  /** The outcomes of the actions that failed, to count in the round. */
  public List<ActionOutcome> outcomes() {
    return outcomes;
  }
}
