package io.lakeexporter.cli;

import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves the lakeFS emulator, with every storage module of this jar, until stopped. */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description =
        "Runs the lakeFS API emulator until Ctrl-C (repositories on any storage this jar serves).")
final class EmulatorCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8000",
      description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--access-key-id",
      paramLabel = "KEY",
      defaultValue = "AKIAEMULATOR",
      description = "Access key id clients must use (default: ${DEFAULT-VALUE}).")
  String accessKeyId;

  @Option(
      names = "--secret-access-key",
      paramLabel = "SECRET",
      defaultValue = "emulator-secret",
      description = "Secret access key clients must use.")
  String secretAccessKey;

  @Option(
      names = "--blockstore-dir",
      paramLabel = "DIR",
      description = "Directory of local:// namespaces (default: a new temporary directory).")
  Path blockstore;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      description = "A storage setting for namespaces on s3://, gs://, Azure (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--sample",
      description =
          "Start with the demo's sample repository '" + DemoCommand.REPOSITORY + "' (local://).")
  boolean sample;

  @Option(
      names = {"-v", "--verbose"},
      description = "Log what happens (-vv: in detail).")
  boolean[] verbose = new boolean[0];

  @Override
  public Integer call() throws Exception {
    Logging.configure(verbose.length);
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0..65535, not " + port);
    }
    boolean temporary = blockstore == null;
    Path dir = temporary ? Files.createTempDirectory("lakefs-emulator-") : blockstore;
    Files.createDirectories(dir);
    var all = new LinkedHashMap<>(settings);
    all.put(LocalStorageProvider.BLOCKSTORE_PATH_KEY, dir.toString());
    var stop = new CountDownLatch(1);
    var stopped = new CountDownLatch(1);
    // Ctrl-C runs the hook; it lets the server close and a temporary blockstore go before the JVM
    // halts.
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "emulator-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (var storage = StorageRegistry.discover(StorageSettings.of(all));
        var emulator =
            LakeFsEmulator.builder()
                .port(port)
                .credentials(accessKeyId, secretAccessKey)
                .storage(storage)
                .start()) {
      if (sample) {
        String[] commits = DemoCommand.seed(emulator);
        spec.commandLine()
            .getOut()
            .println(
                "repository "
                    + DemoCommand.REPOSITORY
                    + ": commits "
                    + commits[0]
                    + " and "
                    + commits[1]
                    + " (HEAD of main)");
      }
      spec.commandLine()
          .getOut()
          .println(
              "lakeFS emulator at "
                  + emulator.apiUrl()
                  + " (access key id "
                  + emulator.accessKeyId()
                  + "; local:// under "
                  + dir
                  + "); Ctrl-C stops it");
      spec.commandLine().getOut().flush();
      stop.await();
    } finally {
      if (temporary) {
        DemoCommand.deleteTree(dir);
      }
      stopped.countDown();
    }
    return Main.OK;
  }
}
