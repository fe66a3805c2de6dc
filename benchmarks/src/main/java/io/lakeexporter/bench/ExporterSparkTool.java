package io.lakeexporter.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exporter on Spark in local mode: the assembly jar with only Spark's own jars beside it, two
 * task slots, each task copying half the profile's concurrency.
 */
final class ExporterSparkTool implements Tool {

  static final int SLOTS = 2;
  static final String NAME = "exporter (Spark local[" + SLOTS + "])";
  private final Context context;

  ExporterSparkTool(Context context) {
    this.context = context;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Invocation invocation(Scenario scenario, Place destination) throws IOException {
    Workspace ws = context.workspace();
    Dataset data = scenario.dataset();
    String sparkClasspath =
        Files.readString(context.built("exporter-spark/target/spark.classpath")).strip()
            + File.pathSeparator
            + Files.readString(context.built("exporter-spark/target/spark-jackson.classpath"))
                .strip()
            + File.pathSeparator
            + context.built("exporter-spark/target/lakefs-export-spark-assembly.jar");
    var command = new ArrayList<>(List.of(Context.java()));
    for (String pkg :
        List.of(
            "java.lang",
            "java.lang.invoke",
            "java.nio",
            "sun.nio.ch",
            "java.util",
            "java.util.concurrent",
            "sun.util.calendar",
            "java.io",
            "java.net")) {
      command.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    command.addAll(
        List.of(
            "-Xmx2g",
            "-Dspark.master=local[" + SLOTS + "]",
            "-Dspark.ui.enabled=false",
            "-Dspark.driver.host=127.0.0.1",
            "-Dspark.driver.bindAddress=127.0.0.1",
            "-Dspark.hadoop.lakefs.api.url=" + ws.emulator.apiUrl(),
            "-Dspark.hadoop.lakefs.api.access_key=" + ws.emulator.accessKeyId()));
    ws.storageSettings.forEach((k, v) -> command.add("-Dspark.hadoop." + k + "=" + v));
    command.addAll(
        List.of(
            "-cp",
            sparkClasspath,
            "io.lakeexporter.spark.Main",
            data.repository(),
            ws.location(destination).toUnredactedString(),
            "--concurrency=" + Math.max(1, context.profile().concurrency() / SLOTS)));
    if (data.isDiff()) {
      command.add("--branch=" + DatasetWriter.BRANCH);
      command.add("--prev_commit_id=" + data.previousCommitId());
    } else {
      command.add("--commit_id=" + data.commitId());
    }
    if (data.isRerun()) {
      command.add("--skip-identical");
    }
    return new Invocation(
        command, Map.of("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", ws.emulator.secretAccessKey()));
  }
}
