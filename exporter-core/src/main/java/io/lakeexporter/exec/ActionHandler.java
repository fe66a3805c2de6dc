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
}
