package io.lakeexporter.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The standalone exporter: {@code exporter-cli/lakefs-export export ...}, as a user runs it. */
final class ExporterCliTool implements Tool {

  static final String NAME = "exporter (CLI)";

  private final Context context;

  ExporterCliTool(Context context) {
    this.context = context;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) {
    // For experiments: -Dbench.exporter.args="--part-size 64MiB"; a --concurrency there replaces
    // the profile's.
    String extra = System.getProperty("bench.exporter.args", "").strip();
    var command = exportCommand(scenario.dataset(), destination, !extra.contains("--concurrency"));
    if (scenario.dataset().isRerun()) {
      // What a user re-running a completed export passes: each object found there is left alone.
      command.add("--skip-identical");
    }
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    // For profiling: -Dbench.exporter.jvm-args="-XX:StartFlightRecording=filename=x.jfr"; for
    // another JDK under the CLI alone (the servers keep the harness's): -Dbench.exporter.java-home
    return new Invocation(
        command, environment(scenario.slug(), System.getProperty("bench.exporter.jvm-args", "")));
  }

  /**
   * A plain full export of {@code scenario}'s commit to {@code destination}, untimed: how a
   * re-run's destination comes to hold what an export writes (on S3, each object's lakeFS checksum
   * in its metadata). Without an experiment's options, and with a class archive of its own: the one
   * the scenario's runs use is recorded by its warm-up, from an export that skips.
   */
  Invocation fill(Scenario scenario, Place destination) {
    return new Invocation(
        exportCommand(scenario.dataset(), destination, true),
        environment(scenario.slug() + "-fill", ""));
  }

  private List<String> exportCommand(Dataset data, Place destination, boolean withConcurrency) {
    Workspace ws = context.workspace();
    context.built("exporter-cli/target/lakefs-export.jar");
    // The launcher users run, with its JVM settings.
    var command =
        new ArrayList<>(
            List.of(
                context.projectRoot().resolve("exporter-cli/lakefs-export").toString(),
                "export",
                data.repository(),
                ws.location(destination).toUnredactedString(),
                "--lakefs-endpoint",
                ws.emulator.apiUrl(),
                "--access-key-id",
                ws.emulator.accessKeyId(),
                "--no-progress"));
    if (withConcurrency) {
      command.addAll(List.of("--concurrency", String.valueOf(context.profile().concurrency())));
    }
    if (data.isDiff()) {
      command.addAll(
          List.of("--branch", DatasetWriter.BRANCH, "--prev_commit_id", data.previousCommitId()));
    } else {
      command.addAll(List.of("--commit_id", data.commitId()));
    }
    ws.storageSettings.forEach((k, v) -> command.addAll(List.of("-D", k + "=" + v)));
    return command;
  }

  private Map<String, String> environment(String cacheName, String jvmArgs) {
    Workspace ws = context.workspace();
    // The secret goes by environment, as it should in real use: never on a command line.
    return Map.of(
        "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY",
        ws.emulator.secretAccessKey(),
        "LAKEFS_EXPORT_JAVA_OPTS",
        jvmArgs,
        "JAVA_HOME",
        System.getProperty("bench.exporter.java-home", System.getProperty("java.home")),
        // The launcher's class archive lives in the workspace, one per scenario: each
        // scenario's warm-up records it, as the first export of that kind does for a user
        // who runs such exports (an archive holds the classes of the export that recorded
        // it, and one recorded by local -> local left the S3 classes to the jar), and the
        // user's own cache is left alone.
        "XDG_CACHE_HOME",
        ws.dir.resolve("cache").resolve(cacheName).toString());
  }
}
