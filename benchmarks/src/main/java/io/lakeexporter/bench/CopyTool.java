package io.lakeexporter.bench;

import java.util.List;
import java.util.Map;

/** {@code cp -r}: the floor for local-to-local, one file at a time. */
final class CopyTool implements Tool {

  static final String NAME = "cp -r";

  private final Context context;

  CopyTool(Context context) {
    this.context = context;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean supports(Scenario scenario) {
    return scenario.from() == Side.LOCAL
        && scenario.to() == Side.LOCAL
        && !scenario.dataset().isDiff()
        // It copies every file whatever the destination holds: nothing to measure on a re-run.
        && !scenario.dataset().isRerun();
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) {
    Workspace ws = context.workspace();
    return new Invocation(
        List.of(
            "cp",
            "-r",
            ws.localPath(scenario.dataset().source()) + "/.",
            ws.localPath(destination).toString()),
        Map.of());
  }
}
