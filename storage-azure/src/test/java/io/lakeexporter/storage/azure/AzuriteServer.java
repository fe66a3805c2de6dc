package io.lakeexporter.storage.azure;

import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.testing.ServerProcess;
import io.lakeexporter.testing.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Azure Blob server for tests: Azurite's blob service, installed from npm into {@code
 * .tools/azurite} on first use, run on 127.0.0.1 and a free port with in-memory storage. One per
 * test JVM ({@link #shared()}), stopped when the JVM ends.
 */
public final class AzuriteServer implements AutoCloseable {

  public static final String ACCOUNT = "devstoreaccount1";

  /** Azurite's published development key. */
  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  static final String VERSION = "3.37.0";
  private static AzuriteServer shared;

  private final ServerProcess process;

  private AzuriteServer(ServerProcess process) {
    this.process = process;
  }

  public static synchronized AzuriteServer shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  public static AzuriteServer start() throws IOException {
    return start(ServerProcess.freePort(), Map.of());
  }

  /**
   * A server that holds {@code account} (with {@code key}, base64) instead of {@link #ACCOUNT}: a
   * second Azure account, which the first server cannot read copy sources from.
   */
  public static AzuriteServer startWithAccount(String account, String key) throws IOException {
    return start(ServerProcess.freePort(), Map.of("AZURITE_ACCOUNTS", account + ":" + key));
  }

  /**
   * This server stopped and a new, empty one started on the same port, so clients configured for it
   * need no change. For long benchmarks: Azurite in memory keeps the blocks of deleted blobs until
   * its mark-and-sweep, which runs every 10 minutes and removes them one at a time from indexed
   * collections; with five passes of 20,000 blobs behind it, Azurite stalled for over 14 minutes
   * from about when the sweep came due (node at 100% of a core, an upload that takes a minute
   * stopped).
   */
  public AzuriteServer restarted() throws IOException {
    close();
    return start(process.port(), Map.of());
  }

  private static AzuriteServer start(int port, Map<String, String> environment) throws IOException {
    Path dir = TestTools.toolDir("azurite");
    Path bin = dir.resolve("node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(bin)) {
      TestTools.runInstall(
          dir,
          List.of(
              "npm",
              "install",
              "--no-audit",
              "--no-fund",
              "--prefix",
              dir.toString(),
              "azurite@" + VERSION),
          10);
    }
    Path workspace = Files.createTempDirectory("azurite-");
    ServerProcess process =
        ServerProcess.start(
            "azurite",
            List.of(
                bin.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                String.valueOf(port),
                "--inMemoryPersistence",
                "--skipApiVersionCheck",
                "--disableProductStyleUrl",
                "--disableTelemetry",
                "--loose"),
            workspace,
            environment,
            port,
            Duration.ofSeconds(60));
    return new AzuriteServer(process.owning(workspace));
  }

  /** {@code http://127.0.0.1:<port>/devstoreaccount1} */
  public String accountEndpoint() {
    return process.endpoint() + "/" + ACCOUNT;
  }

  /** {@code http://127.0.0.1:<port>}, where a proxy before this server forwards to. */
  public String url() {
    return process.endpoint();
  }

  /** Settings that point the Azure provider at this server. */
  public StorageSettings settings() {
    return settingsThrough(url());
  }

  /** Settings for this server's account reached at {@code url} (a proxy before it). */
  public static StorageSettings settingsThrough(String url) {
    return StorageSettings.of(
        Map.of(
            "azure.account." + ACCOUNT + ".endpoint",
            url + "/" + ACCOUNT,
            "azure.account." + ACCOUNT + ".key",
            KEY));
  }

  /** The location of {@code container/key} in this server's account. */
  public String location(String container, String key) {
    return accountEndpoint() + "/" + container + (key.isEmpty() ? "" : "/" + key);
  }

  public void deleteContainer(String container) {
    new AzureAccounts(settings()).client(ACCOUNT).getBlobContainerClient(container).delete();
  }

  public void createContainer(String container) {
    var client = new AzureAccounts(settings()).client(ACCOUNT).getBlobContainerClient(container);
    if (!client.exists()) {
      client.create();
    }
  }

  @Override
  public synchronized void close() {
    process.close();
  }
}
