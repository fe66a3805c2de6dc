package io.lakeexporter.it;

import static io.lakeexporter.testing.FaultProxy.method;
import static io.lakeexporter.testing.FaultProxy.targetContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.LakeFsUnavailableException;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.azure.AzuriteServer;
import io.lakeexporter.storage.gcs.FakeGcsServer;
import io.lakeexporter.storage.s3.S3ProxyServer;
import io.lakeexporter.testing.FaultProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store or lakeFS that takes the connection and never answers: each client gives up after its
 * read timeout (set short here), the request is tried again, and the export ends, naming where it
 * waited. The JUnit timeouts only catch a hang; they are far above what the export takes.
 */
class StallsTest {

  private static final RetryPolicy QUICK =
      new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));

  /** Longer than every read timeout here: a stalled request ends by the client's timeout. */
  private static final FaultProxy.Stall SILENCE = new FaultProxy.Stall(Duration.ofSeconds(20));

  @TempDir Path out;
  private static LakeFsEmulator emulator;
  private static FaultProxy s3Proxy;
  private static FaultProxy lakeFsProxy;
  private static StorageRegistry throughProxy;
  private static LakeFsClient client;
  private static byte[] content;

  @BeforeAll
  static void start() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("stalls-lake");
    s3Proxy = FaultProxy.to(s3.endpoint());
    throughProxy =
        StorageRegistry.discover(
            s3.settings()
                .overlay(
                    StorageSettings.of(
                        Map.of("s3.endpoint", s3Proxy.url(), "s3.socket-timeout", "1s"))));
    emulator = LakeFsEmulator.builder().storage(throughProxy).start();
    lakeFsProxy = FaultProxy.to("http://127.0.0.1:" + emulator.port());
    client =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(lakeFsProxy.url() + "/api/v1")
                .accessKeyId(emulator.accessKeyId())
                .secretAccessKey(emulator.secretAccessKey())
                .readTimeout(Duration.ofSeconds(1))
                .build());
    content = new byte[64 << 10];
    new Random(3).nextBytes(content);
  }

  @AfterAll
  static void stop() throws IOException {
    client.close();
    lakeFsProxy.close();
    emulator.close();
    throughProxy.close();
    s3Proxy.close();
  }

  @BeforeEach
  void clearFaults() {
    s3Proxy.reset();
    lakeFsProxy.reset();
  }

  private static String repository() throws IOException {
    String repo = "s" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, "s3://stalls-lake/" + repo, "main");
    emulator.putObject(repo, "main", "data/a.bin", content, "application/octet-stream", Map.of());
    emulator.commit(repo, "main", "load");
    s3Proxy.reset();
    return repo;
  }

  private ExportResult export(String repo) {
    return export(repo, b -> b);
  }

  /** An export of {@code repo}'s main branch through the proxies, with {@code more} settings. */
  private ExportResult export(String repo, UnaryOperator<Exporter.Builder> more) {
    try (Exporter exporter =
        more.apply(
                Exporter.builder()
                    .lakeFs(client)
                    .repository(repo)
                    .destination(out.toUri().toString())
                    .storage(throughProxy)
                    .retry(QUICK)
                    .countFirst(false))
            .build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  private static Predicate<FaultProxy.Request> sourceReads() {
    return method("GET").and(targetContains("/stalls-lake/"));
  }

  @Test
  @Timeout(60)
  void aSourceReadThatStallsOnceTimesOutAndIsReadAgain() throws IOException {
    String repo = repository();
    s3Proxy.on(sourceReads(), 1, SILENCE);

    ExportResult result = export(repo);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(Files.readAllBytes(out.resolve("data/a.bin"))).isEqualTo(content);
    assertThat(s3Proxy.count(sourceReads())).isEqualTo(2);
  }

  @Test
  @Timeout(60)
  void aStoreThatNeverAnswersFailsTheCopyAfterFourTimeoutsNamingTheEndpoint() throws IOException {
    String repo = repository();
    s3Proxy.on(sourceReads(), 1_000, SILENCE);

    ExportResult result = export(repo);

    assertThat(result.succeeded()).isFalse();
    assertThat(s3Proxy.count(sourceReads())).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo("data/a.bin"))
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(f -> assertThat(f.error()).contains(s3Proxy.url().substring(7)));
  }

  /**
   * A store gone silent for good: each object waited out its four timeouts, one after another
   * (days, for a commit of thousands at a low concurrency). The first copy that times out its
   * attempts now stops the round; the others are not tried.
   */
  @Test
  @Timeout(60)
  void aStoreGoneSilentStopsTheRoundAtItsFirstCopyThatTimesOut() throws IOException {
    String repo = "s" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, "s3://stalls-lake/" + repo, "main");
    for (int i = 0; i < 20; i++) {
      emulator.putObject(
          repo, "main", "data/" + i + ".bin", content, "application/octet-stream", Map.of());
    }
    emulator.commit(repo, "main", "load");
    s3Proxy.reset();
    s3Proxy.on(sourceReads(), 1_000, SILENCE);

    ExportResult result = export(repo, b -> b.concurrency(1));

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 1 stopped: the copy of 'data/")
        .contains("could not reach a server the export needs");
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4));
    assertThat(s3Proxy.count(sourceReads())).as("one object's four attempts").isEqualTo(4);
  }

  @Test
  @Timeout(60)
  void aLakeFsThatNeverAnswersEndsTheExportAfterFourTimeoutsNamingTheEndpoint() {
    lakeFsProxy.on(method("GET"), 1_000, SILENCE);

    assertThatThrownBy(() -> export("never"))
        .isInstanceOf(LakeFsUnavailableException.class)
        .hasMessageContaining(lakeFsProxy.url());
    assertThat(lakeFsProxy.count(method("GET"))).isEqualTo(4);
  }

  /**
   * Azure's and GCS's timeouts are settings as S3's are: a read from a store that never answers
   * ends after the set socket timeout (1 s here; the SDKs' own are 60 s and 20 s), as many times as
   * that client sends a read, and the failure names the endpoint.
   */
  @Test
  @Timeout(60)
  void azureAndGcsReadsThatNeverAnswerEndAfterTheSetTimeout() throws IOException {
    AzuriteServer azurite = AzuriteServer.shared();
    azurite.createContainer("stalls");
    String blob = "stalled-" + UUID.randomUUID() + ".bin";
    assertStallEnds(
        azurite.url(),
        url ->
            AzuriteServer.settingsThrough(url)
                .overlay(StorageSettings.of(Map.of("azure.socket-timeout", "1s"))),
        url -> Location.parse(url + "/" + AzuriteServer.ACCOUNT + "/stalls/" + blob),
        // Reads keep the Azure SDK's three tries.
        3);
    FakeGcsServer gcs = FakeGcsServer.shared();
    gcs.createBucket("stalls");
    assertStallEnds(
        gcs.endpoint(),
        url ->
            gcs.settings()
                .overlay(
                    StorageSettings.of(Map.of("gcs.endpoint", url, "gcs.socket-timeout", "1s"))),
        url -> Location.parse("gs://stalls/stalled-" + UUID.randomUUID() + ".bin"),
        // Reads go out once: the copy engine retries them.
        1);
  }

  /**
   * Writes an object through {@code upstream} directly, then reads it through a proxy that never
   * answers a read: the store gives up after its timeout, {@code reads} times.
   */
  private static void assertStallEnds(
      String upstream,
      Function<String, StorageSettings> settingsFor,
      Function<String, Location> at,
      int reads)
      throws IOException {
    try (FaultProxy proxy = FaultProxy.to(upstream);
        StorageRegistry direct = StorageRegistry.discover(settingsFor.apply(upstream));
        StorageRegistry stalled = StorageRegistry.discover(settingsFor.apply(proxy.url()))) {
      Location written = at.apply(upstream);
      direct
          .storeFor(written)
          .write(written, new ByteArrayInputStream(content), content.length, ObjectMetadata.EMPTY);
      Location read = Location.parse(written.toUnredactedString().replace(upstream, proxy.url()));
      proxy.on(method("GET"), 1_000, SILENCE);

      assertThatThrownBy(() -> stalled.storeFor(read).read(read, 0, -1).readAllBytes())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(proxy.url().substring(7));
      assertThat(proxy.count(method("GET"))).isEqualTo(reads);
    }
  }
}
