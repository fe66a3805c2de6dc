package io.lakeexporter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The standalone exporter: {@code java -jar lakefs-export.jar export ...}, as a user runs it. */
final class ExporterCliTool implements Tool {

  private final Context context;

  ExporterCliTool(Context context) {
    this.context = context;
  }

  @Override
  public String name() {
    return "exporter (CLI)";
  }

  @Override
  public boolean supports(Scenario scenario) {
    return true;
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) {
    Workspace ws = context.workspace();
    Dataset data = scenario.dataset();
    var command = new ArrayList<>(List.of(Context.java()));
    // For profiling: -Dbench.exporter.jvm-args="-XX:StartFlightRecording=filename=x.jfr"
    String jvmArgs = System.getProperty("bench.exporter.jvm-args", "").strip();
    if (!jvmArgs.isEmpty()) {
      command.addAll(List.of(jvmArgs.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-jar",
            context.built("exporter-cli/target/lakefs-export.jar").toString(),
            "export",
            data.repository(),
            ws.location(destination).toUnredactedString(),
            "--lakefs-endpoint",
            ws.emulator.apiUrl(),
            "--access-key-id",
            ws.emulator.accessKeyId(),
            "--concurrency",
            String.valueOf(context.profile().concurrency()),
            "--no-progress"));
    if (data.isDiff()) {
      command.addAll(
          List.of("--branch", DatasetWriter.BRANCH, "--prev_commit_id", data.previousCommitId()));
    } else {
      command.addAll(List.of("--commit_id", data.commitId()));
    }
    ws.storageSettings.forEach((k, v) -> command.addAll(List.of("-D", k + "=" + v)));
    // The secret goes by environment, as it should in real use: never on a command line.
    return new Invocation(
        command, Map.of("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", ws.emulator.secretAccessKey()));
  }
}
