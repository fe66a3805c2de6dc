package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembly jar as a cluster would run it: its own local-mode Spark JVM with only Spark's jars
 * and the assembly on the class path, exporting from an emulator in this JVM.
 */
class SparkAssemblyIT {

  @TempDir Path work;

  @Test
  void exportsThroughTheAssemblyJar() throws Exception {
    Path blockstore = Files.createDirectories(work.resolve("blockstore"));
    Path dest = work.resolve("out");
    var settings =
        StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, blockstore.toString()));
    try (var storage = StorageRegistry.discover(settings);
        var emulator = LakeFsEmulator.builder().storage(storage).start()) {
      emulator.createRepository("assembly", "local://assembly", "main");
      emulator.putObject(
          "assembly",
          "main",
          "t/part-0.parquet",
          "data".getBytes(StandardCharsets.UTF_8),
          "",
          Map.of());
      emulator.putObject("assembly", "main", "t/_SUCCESS", new byte[0], "", Map.of());
      String commit = emulator.commit("assembly", "main", "one");

      String sparkClasspath =
          Files.readString(Path.of(System.getProperty("spark.classpath.file"))).strip()
              + File.pathSeparator
              + Files.readString(Path.of(System.getProperty("spark.jackson.classpath.file")))
                  .strip();
      var command =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(
          List.of(
              "--add-opens=java.base/java.lang=ALL-UNNAMED",
              "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
              "--add-opens=java.base/java.nio=ALL-UNNAMED",
              "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
              "--add-opens=java.base/java.util=ALL-UNNAMED",
              "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
              "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
              "--add-opens=java.base/java.io=ALL-UNNAMED",
              "--add-opens=java.base/java.net=ALL-UNNAMED",
              "-Xmx1g",
              "-Dspark.master=local[2]",
              "-Dspark.ui.enabled=false",
              "-Dspark.driver.host=127.0.0.1",
              "-Dspark.driver.bindAddress=127.0.0.1",
              "-Dspark.hadoop.lakefs.api.url=" + emulator.apiUrl(),
              "-Dspark.hadoop.lakefs.api.access_key=" + emulator.accessKeyId(),
              "-Dspark.hadoop.lakefs.api.secret_key=" + emulator.secretAccessKey(),
              "-Dspark.hadoop." + LocalStorageProvider.BLOCKSTORE_PATH_KEY + "=" + blockstore,
              "-cp",
              sparkClasspath + File.pathSeparator + System.getProperty("assembly.jar"),
              "io.lakeexporter.spark.Main",
              "assembly",
              dest.toUri().toString(),
              "--branch=main"));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("spark.log").toFile())
              .start();
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(work.resolve("spark.log"));
      assertThat(p.exitValue()).as(log.substring(Math.max(0, log.length() - 4000))).isZero();
      assertThat(dest.resolve("t/part-0.parquet")).hasContent("data");
      assertThat(dest.resolve("t/_SUCCESS")).exists();
      assertThat(dest.resolve("EXPORT_" + commit + "_SUCCESS")).exists();
      assertThat(log).doesNotContain(emulator.secretAccessKey());
    }
  }
}
