package io.lakeexporter.exec;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import java.util.List;

/** Carries out actions; never throws for a failed action, but reports it as an outcome. */
public interface ActionHandler {

  ActionOutcome copy(Action action);

  /** Deletes a batch of at most {@link #deleteBatchSize()} actions. */
  List<ActionOutcome> delete(List<Action> batch);

  int deleteBatchSize();

  /**
   * The round was interrupted: stop what can be stopped of the actions under way, which then fail,
   * and start no more of what takes long. Called once, from another thread than the actions'.
   */
  default void cancel() {}
}
