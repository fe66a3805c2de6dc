package io.lakeexporter.it;

import static io.lakeexporter.testing.FaultProxy.method;
import static io.lakeexporter.testing.FaultProxy.targetContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.azure.AzuriteServer;
import io.lakeexporter.testing.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure's ServerBusy and broken connections between the exporter and Azurite, injected by a proxy
 * on the real traffic: how many requests reach the store, what the failure names, what lands. The
 * repositories live behind the proxy too, so that reads and Put Block From URL pass through it.
 */
class AzureFaultsTest {

  private static final int MIB = 1 << 20;

  @TempDir Path out;
  private static AzuriteServer azurite;
  private static FaultyStore store;
  private static FaultProxy proxy;
  private static byte[] large;

  @BeforeAll
  static void start() throws IOException {
    azurite = AzuriteServer.shared();
    azurite.createContainer("faults-lake");
    azurite.createContainer("faults-out");
    store =
        FaultyStore.behind(
            azurite.url(),
            proxyUrl ->
                AzuriteServer.settingsThrough(proxyUrl)
                    .overlay(
                        StorageSettings.of(
                            Map.of(
                                "azure.upload.threshold",
                                "4MiB",
                                "azure.upload.block-size",
                                "2MiB",
                                "azure.copy.block-threshold",
                                "4MiB",
                                "azure.copy.block-size",
                                "2MiB",
                                // Azurite fetches copy sources from itself only.
                                "azure.copy.from-external-urls",
                                "false"))),
            null);
    proxy = store.proxy;
    large = new byte[5 * MIB]; // blocks of 2, 2 and 1 MiB
    new Random(11).nextBytes(large);
  }

  @AfterAll
  static void stop() throws IOException {
    store.close();
  }

  @BeforeEach
  void clearFaults() {
    proxy.reset();
  }

  private static String accountEndpoint() {
    return proxy.url() + "/" + AzuriteServer.ACCOUNT;
  }

  private static String root(String repo) {
    return accountEndpoint() + "/faults-out/" + repo;
  }

  private static String repository(String path, byte[] content) throws IOException {
    return store.repository(accountEndpoint() + "/faults-lake/", path, content);
  }

  private static ExportResult export(String repo, String destination, boolean serverSide) {
    try (Exporter exporter = store.exporter(repo, destination).serverSideCopy(serverSide).build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  private static byte[] read(String location) throws IOException {
    return store.read(location);
  }

  private static JsonNode onlyFailure(String root, ExportResult result) throws IOException {
    JsonNode file =
        new ObjectMapper().readTree(read(root + "/EXPORT_" + result.commitId() + "_FAILURE"));
    assertThat(file.get("failures")).hasSize(1);
    return file.get("failures").get(0);
  }

  private static Predicate<FaultProxy.Request> writesTo(String key) {
    return method("PUT").and(targetContains("/faults-out/")).and(targetContains(key));
  }

  private static Predicate<FaultProxy.Request> copiesFromUrl() {
    return r -> !r.header("x-ms-copy-source").isEmpty();
  }

  /**
   * The SDK sent a throttled Put Blob again with its stream consumed, and OkHttp refused the short
   * body ("unexpected end of stream"), hiding Azure's answer. Sent once by the SDK, it is tried
   * four times by the copy engine and fails with ServerBusy.
   */
  @Test
  void aThrottledSmallWriteFailsWithServerBusyAfterFourAttempts() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    proxy.on(writesTo("small.csv"), 1_000, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), false);

    assertThat(proxy.count(writesTo("small.csv"))).isEqualTo(4);
    JsonNode failure = onlyFailure(root(repo), result);
    assertThat(failure.get("key").asText()).isEqualTo("data/small.csv");
    assertThat(failure.get("operation").asText()).isEqualTo("copy");
    assertThat(failure.get("error").asText()).contains("503 ServerBusy");
    assertThat(failure.get("attempts").asInt()).isEqualTo(4);
    assertThat(result.failures().get(0).attempts()).isEqualTo(4);
  }

  @Test
  void aThrottledBlockFailsWithServerBusyAfterFourAttempts() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(
        writesTo("large.bin").and(targetContains("comp=block&")),
        1_000,
        FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), false);

    // The write is one stream of three blocks: each attempt ends at its first block.
    assertThat(proxy.count(writesTo("large.bin").and(targetContains("comp=block&")))).isEqualTo(4);
    assertThat(proxy.count(writesTo("large.bin").and(targetContains("comp=blocklist")))).isZero();
    JsonNode failure = onlyFailure(root(repo), result);
    assertThat(failure.get("error").asText()).contains("block 1").contains("503 ServerBusy");
    assertThat(failure.get("attempts").asInt()).isEqualTo(4);
  }

  @Test
  void aBlockThrottledOnceIsSentAgainAndTheBlobIsWhole() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(
        writesTo("large.bin").and(targetContains("comp=block&")), 1, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), false);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read(root(repo) + "/big/large.bin")).isEqualTo(large);
    // The first attempt's one block, then the second attempt's three.
    assertThat(proxy.count(writesTo("large.bin").and(targetContains("comp=block&")))).isEqualTo(4);
  }

  /** Put Block From URL was sent three times by the SDK for each of the engine's four: twelve. */
  @Test
  void aThrottledPutBlockFromUrlIsSentFourTimesInAll() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    proxy.on(copiesFromUrl(), 1_000, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), true);

    assertThat(proxy.count(copiesFromUrl())).isEqualTo(4);
    JsonNode failure = onlyFailure(root(repo), result);
    assertThat(failure.get("error").asText()).contains("copy block 1").contains("503 ServerBusy");
    assertThat(failure.get("attempts").asInt()).isEqualTo(4);
  }

  @Test
  void aPutBlockFromUrlThrottledOnceCopiesTheBlobServerSide() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    proxy.on(copiesFromUrl(), 1, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), true);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(1);
    assertThat(read(root(repo) + "/data/small.csv")).isEqualTo("a,b\n".getBytes());
    assertThat(proxy.count(copiesFromUrl())).isEqualTo(2);
  }

  /** Put Block From URL requests for the block that starts {@code offset} bytes into the source. */
  private static Predicate<FaultProxy.Request> blockCopyFrom(long offset) {
    return r -> r.header("x-ms-source-range").startsWith("bytes=" + offset + "-");
  }

  /** The block ids that Put Block From URL requests staged. */
  private static Set<String> blockIdsCopied() {
    return proxy.requests().stream()
        .filter(copiesFromUrl())
        .map(r -> r.target().replaceAll(".*[?&]blockid=([^&]*).*", "$1"))
        .collect(Collectors.toSet());
  }

  /**
   * A block copy Azure throttled once is staged again alone, under the same block id: the other
   * blocks stand. Before, the whole copy started over under new block ids, every block copied
   * again.
   */
  @Test
  void aBlockCopyThrottledOnceIsCopiedAgainAlone() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(blockCopyFrom(2 * MIB), 1, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), true);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read(root(repo) + "/big/large.bin")).isEqualTo(large);
    assertThat(proxy.count(blockCopyFrom(2 * MIB))).isEqualTo(2);
    assertThat(proxy.count(copiesFromUrl())).isEqualTo(4);
    assertThat(blockIdsCopied()).hasSize(3);
  }

  /**
   * A block copy Azure keeps throttling is sent four times in all, and the copy then ends: the
   * blocks copied before it are not copied again for another attempt of the whole.
   */
  @Test
  void aThrottledBlockCopyEndsTheCopyAfterFourAttempts() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(blockCopyFrom(2 * MIB), 1_000, FaultProxy.azureServerBusy());

    ExportResult result = export(repo, root(repo), true);

    assertThat(result.succeeded()).isFalse();
    assertThat(proxy.count(blockCopyFrom(2 * MIB))).isEqualTo(4);
    // at most once: the first block may still be unsent when the copy ends (before, 4 times)
    assertThat(proxy.count(blockCopyFrom(0))).isLessThanOrEqualTo(1);
    assertThat(proxy.count(writesTo("large.bin").and(targetContains("comp=blocklist")))).isZero();
    JsonNode failure = onlyFailure(root(repo), result);
    assertThat(failure.get("error").asText()).contains("copy block 2").contains("503 ServerBusy");
    assertThat(failure.get("attempts").asInt()).isEqualTo(4);
  }

  /**
   * A delete is a request per blob with the SDK's three tries (the engine retries a batch that
   * failed as a whole, not the blobs a store reports failed): a blob that stays busy is reported.
   */
  @Test
  void aThrottledDeleteIsTriedThreeTimesAndReported() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    store.emulator.putObject(repo, "main", "data/gone.csv", "x".getBytes(), "text/csv", Map.of());
    String previous = store.emulator.commit(repo, "main", "two");
    assertThat(export(repo, root(repo), false).succeeded()).isTrue();
    store.emulator.deleteObject(repo, "main", "data/gone.csv");
    store.emulator.commit(repo, "main", "remove one");
    proxy.reset();
    Predicate<FaultProxy.Request> deleteGone = method("DELETE").and(targetContains("gone.csv"));
    proxy.on(deleteGone, 1_000, FaultProxy.azureServerBusy());

    ExportResult result;
    try (Exporter exporter = store.exporter(repo, root(repo)).build()) {
      result = exporter.exportFrom("main", previous);
    }

    assertThat(proxy.count(deleteGone)).isEqualTo(3);
    JsonNode failure = onlyFailure(root(repo), result);
    assertThat(failure.get("operation").asText()).isEqualTo("delete");
    assertThat(failure.get("key").asText()).isEqualTo("data/gone.csv");
    assertThat(failure.get("error").asText()).contains("ServerBusy");
    assertThat(read(root(repo) + "/data/gone.csv")).isEqualTo("x".getBytes());
  }

  /** A ranged read that breaks off mid-body is read again; the copy is exact. */
  @Test
  void aReadResetMidBodyIsReadAgainAndTheCopyIsExact() throws IOException {
    String repo = repository("big/large.bin", large);
    Predicate<FaultProxy.Request> reads = method("GET").and(targetContains("/faults-lake/"));
    proxy.on(reads, 1, new FaultProxy.ResetAfter(MIB));

    ExportResult result = export(repo, out.toUri().toString(), false);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(Files.readAllBytes(out.resolve("big/large.bin"))).isEqualTo(large);
    // Reads of 4 MiB blocks: the first, reset, then again, then the last MiB.
    assertThat(proxy.count(reads)).isEqualTo(3);
  }

  /**
   * List Blobs whose every answer breaks off: the SDK's three tries, then a failure that names the
   * container and the endpoint. The first page's failure escaped as the SDK's own RuntimeException
   * ("java.net.SocketException: Connection reset"), past list's IOException and requireBucket.
   */
  @Test
  void aListingWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    Location prefix = Location.parse(accountEndpoint() + "/faults-lake/" + repo + "/");
    ObjectStore blobs = store.throughProxy.storeFor(prefix);
    Predicate<FaultProxy.Request> lists = method("GET").and(targetContains("comp=list"));
    proxy.on(lists, 1_000, new FaultProxy.ResetAfter(0));

    assertThatThrownBy(
            () -> {
              try (var listing = blobs.list(prefix)) {
                listing.count();
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("faults-lake/" + repo)
        .hasMessageContaining("(endpoint " + accountEndpoint())
        .hasMessageContaining("the connection broke off")
        .hasMessageNotContaining("Exception");
    assertThat(proxy.count(lists)).isEqualTo(3);
    assertThatThrownBy(() -> blobs.requireBucket(prefix)).isInstanceOf(IOException.class);
  }
}
