package io.lakeexporter.it;

import io.lakeexporter.Exporter;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.testing.FaultProxy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * One real storage server with a {@link FaultProxy} before it, the exporter's storage settings
 * pointing at the proxy, and the lakeFS emulator with its repositories on that server: what the
 * fault tests of each store share. One per test class.
 */
final class FaultyStore implements AutoCloseable {

  /** The default's four attempts, with backoffs short enough for a test. */
  static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));

  final FaultProxy proxy;
  final StorageRegistry throughProxy;
  final LakeFsEmulator emulator;
  final LakeFsClient client;

  /** What the emulator writes repositories with, and tests read results with. */
  private final StorageRegistry lakeStorage;

  private FaultyStore(
      FaultProxy proxy,
      StorageRegistry throughProxy,
      StorageRegistry lakeStorage,
      LakeFsEmulator emulator) {
    this.proxy = proxy;
    this.throughProxy = throughProxy;
    this.lakeStorage = lakeStorage;
    this.emulator = emulator;
    this.client =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(emulator.apiUrl())
                .accessKeyId(emulator.accessKeyId())
                .secretAccessKey(emulator.secretAccessKey())
                .build());
  }

  /**
   * @param upstream the server's endpoint, which the proxy forwards to
   * @param settingsFor the exporter's storage settings, given the proxy's URL
   * @param direct settings that reach the server without the proxy, for the emulator's writes and
   *     the tests' reads; {@code null} to send those through the proxy too (so that a store's reads
   *     of its own sources, such as Azure's Put Block From URL, pass it)
   */
  static FaultyStore behind(
      String upstream, Function<String, StorageSettings> settingsFor, StorageSettings direct)
      throws IOException {
    FaultProxy proxy = FaultProxy.to(upstream);
    StorageRegistry throughProxy = StorageRegistry.discover(settingsFor.apply(proxy.url()));
    StorageRegistry lakeStorage = direct == null ? throughProxy : StorageRegistry.discover(direct);
    return new FaultyStore(
        proxy, throughProxy, lakeStorage, LakeFsEmulator.builder().storage(lakeStorage).start());
  }

  /** A repository under {@code namespacePrefix} holding {@code path}, committed on main. */
  String repository(String namespacePrefix, String path, byte[] content) throws IOException {
    String repo = "f" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, namespacePrefix + repo, "main");
    emulator.putObject(repo, "main", path, content, "application/octet-stream", Map.of());
    emulator.commit(repo, "main", "load");
    proxy.reset();
    return repo;
  }

  /** An exporter of {@code repo} through the proxy, with quick retries and two workers. */
  Exporter.Builder exporter(String repo, String destination) {
    return Exporter.builder()
        .lakeFs(client)
        .repository(repo)
        .destination(destination)
        .storage(throughProxy)
        .retry(QUICK)
        .concurrency(2);
  }

  byte[] read(String location) throws IOException {
    Location l = Location.parse(location);
    try (InputStream in = lakeStorage.storeFor(l).read(l, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
    emulator.close();
    throughProxy.close();
    if (lakeStorage != throughProxy) {
      lakeStorage.close();
    }
    proxy.close();
  }
}
