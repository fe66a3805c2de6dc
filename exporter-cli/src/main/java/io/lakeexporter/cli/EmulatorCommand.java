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

  @Option(names = "--access-key-id", defaultValue = "AKIAEMULATOR")
  String accessKeyId;

  @Option(names = "--secret-access-key", defaultValue = "emulator-secret")
  String secretAccessKey;

  @Option(names = "--blockstore-dir", description = "Directory of local:// namespaces.")
  Path blockstore;

  @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A storage setting.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(false);
    Path dir = blockstore != null ? blockstore : Files.createTempDirectory("lakefs-emulator-");
    Files.createDirectories(dir);
    var all = new LinkedHashMap<>(settings);
    all.put(LocalStorageProvider.BLOCKSTORE_PATH_KEY, dir.toString());
    try (var storage = StorageRegistry.discover(StorageSettings.of(all));
        var emulator =
            LakeFsEmulator.builder()
                .port(port)
                .credentials(accessKeyId, secretAccessKey)
                .storage(storage)
                .start()) {
      spec.commandLine()
          .getOut()
          .println(
              "lakeFS emulator at "
                  + emulator.apiUrl()
                  + " (local:// under "
                  + dir
                  + "); Ctrl-C stops it");
      spec.commandLine().getOut().flush();
      var stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return Main.OK;
  }
}
