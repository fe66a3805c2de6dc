package io.lakeexporter.cli;

import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.Option;
import io.lakeexporter.cli.args.ParsedArgs;
import io.lakeexporter.cli.args.UsageException;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.SettingKeys;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Serves the lakeFS emulator, with every storage module of this jar, until stopped. */
final class EmulatorCommand implements Command {

  static final CommandSpec SPEC =
      new CommandSpec(
          "lakefs-export emulator",
          List.of(
              "Runs the lakeFS API emulator until Ctrl-C (repositories on any storage this jar"
                  + " serves)."),
          List.of(),
          List.of(
              Option.value("--port", "PORT", "Port on 127.0.0.1.").withDefault("8000"),
              Option.value("--access-key-id", "KEY", "Access key id clients must use.")
                  .withDefault("AKIAEMULATOR"),
              // A test server's well-known credentials, like any local emulator's.
              Option.value("--secret-access-key", "SECRET", "Secret access key clients must use.")
                  .withDefault("emulator-secret"),
              Option.value(
                  "--blockstore-dir",
                  "DIR",
                  "Directory of local:// namespaces (default: a new temporary directory)."),
              Option.repeated(
                  "-D",
                  "KEY=VALUE",
                  "A storage setting for namespaces on s3://, gs://, Azure (repeatable)."),
              Option.flag(
                  "Start with the demo's sample repository '"
                      + DemoCommand.REPOSITORY
                      + "' (local://).",
                  "--sample"),
              Option.count("Log what happens (-vv: in detail).", "-v", "--verbose")),
          List.of());

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception {
    Logging.configure(args.count("--verbose"));
    int port = args.intValue("--port", 0);
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0..65535, not " + port);
    }
    String accessKeyId = args.value("--access-key-id");
    String secretAccessKey = args.value("--secret-access-key");
    Path blockstore = args.path("--blockstore-dir");
    Map<String, String> settings = args.keyValues("-D");
    List<String> unknown =
        SettingKeys.unknown(
            settings.keySet(),
            SettingKeys.of(StorageRegistry.discover(getClass().getClassLoader())));
    if (!unknown.isEmpty()) {
      throw new UsageException(String.join("; ", unknown));
    }
    boolean sample = args.flag("--sample");
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
        var emulator = start(port, accessKeyId, secretAccessKey, storage)) {
      if (sample) {
        DemoCommand.Sample commits = DemoCommand.seed(emulator);
        out.println(
            "repository "
                + DemoCommand.REPOSITORY
                + ": commits "
                + commits.first()
                + " and "
                + commits.second()
                + " (HEAD of main)");
      }
      out.println(
          "lakeFS emulator at "
              + emulator.apiUrl()
              + " (access key id "
              + emulator.accessKeyId()
              + "; local:// under "
              + dir
              + "); Ctrl-C stops it");
      out.flush();
      stop.await();
    } finally {
      if (temporary) {
        DemoCommand.deleteTree(dir);
      }
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it returns now that the emulator has stopped.
      }
    }
    return Main.OK;
  }

  private static LakeFsEmulator start(
      int port, String accessKeyId, String secretAccessKey, StorageRegistry storage)
      throws IOException {
    try {
      return LakeFsEmulator.builder()
          .port(port)
          .credentials(accessKeyId, secretAccessKey)
          .storage(storage)
          .start();
    } catch (BindException e) {
      throw new UsageException(
          "port "
              + port
              + " on 127.0.0.1 is taken ("
              + e.getMessage()
              + "); pick another with --port");
    }
  }
}
