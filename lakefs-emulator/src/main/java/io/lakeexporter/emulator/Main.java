package io.lakeexporter.emulator;

import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator until stopped: {@code java -jar lakefs-emulator.jar [--port P] [--access-key-id
 * K] [--secret-access-key S] [--blockstore-dir D]}.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = 8000;
    String accessKey = "AKIAEMULATOR";
    String secret = "emulator-secret";
    Path blockstore = Path.of(System.getProperty("java.io.tmpdir"), "lakefs-emulator-blockstore");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--port" -> port = Integer.parseInt(require(arg, value));
        case "--access-key-id" -> accessKey = require(arg, value);
        case "--secret-access-key" -> secret = require(arg, value);
        case "--blockstore-dir" -> blockstore = Path.of(require(arg, value));
        case "-h", "--help" -> {
          usage(System.out);
          return;
        }
        default -> {
          System.err.println("unknown argument: " + arg);
          usage(System.err);
          System.exit(2);
        }
      }
      i++;
    }
    Files.createDirectories(blockstore);
    var storage =
        StorageRegistry.discover(
            StorageSettings.of(
                Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, blockstore.toString())));
    LakeFsEmulator emulator =
        LakeFsEmulator.builder().port(port).credentials(accessKey, secret).storage(storage).start();
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stopped.countDown();
                }));
    System.out.println(
        "lakeFS emulator at "
            + emulator.apiUrl()
            + " (access key id "
            + accessKey
            + "; local:// namespaces under "
            + blockstore
            + ")");
    stopped.await();
  }

  private static String require(String option, String value) {
    if (value == null) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return value;
  }

  private static void usage(PrintStream out) {
    out.println(
        "usage: java -jar lakefs-emulator.jar [--port 8000] [--access-key-id K]"
            + " [--secret-access-key S] [--blockstore-dir DIR]");
  }
}
