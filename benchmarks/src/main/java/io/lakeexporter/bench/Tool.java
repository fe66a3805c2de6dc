package io.lakeexporter.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A way to copy a dataset: the exporter in one of its modes, or a tool people use instead. */
interface Tool {

  /** As the report names it. */
  String name();

  /**
   * Whether it can do {@code scenario} at all (the AWS CLI speaks neither Azure nor
   * local-to-local); every scenario unless a tool says otherwise.
   */
  default boolean supports(Scenario scenario) {
    return true;
  }

  /** The command that copies {@code scenario}'s dataset to {@code destination}. */
  Invocation invocation(Scenario scenario, Place destination) throws IOException;

  /** A command, what it adds to the environment and which inherited variables it drops. */
  record Invocation(List<String> command, Map<String, String> environment, List<String> unset) {

    public Invocation {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
      unset = List.copyOf(unset);
    }

    Invocation(List<String> command, Map<String, String> environment) {
      this(command, environment, List.of());
    }
  }
}
