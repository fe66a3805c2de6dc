package io.lakeexporter.it;

import static io.lakeexporter.testing.FaultProxy.method;
import static io.lakeexporter.testing.FaultProxy.targetContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.MultipartUpload;
import io.lakeexporter.storage.MultipartWritable;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.gcs.FakeGcsServer;
import io.lakeexporter.testing.FaultProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GCS's 429 between the exporter and fake-gcs-server, injected by a proxy on the real traffic: how
 * many requests reach the store and what the failure says. Repositories live behind the proxy too.
 */
class GcsFaultsTest {
  private static final int MIB = 1 << 20;
  @TempDir Path out;
  private static FaultyStore faulty;
  private static FaultProxy proxy;
  private static StorageRegistry throughProxy;
  private static byte[] large;

  @BeforeAll
  static void start() throws IOException {
    FakeGcsServer gcs = FakeGcsServer.shared();
    gcs.createBucket("faults-lake");
    gcs.createBucket("faults-out");
    faulty =
        FaultyStore.behind(
            gcs.endpoint(),
            proxyUrl ->
                StorageSettings.of(
                    Map.of(
                        "gcs.endpoint",
                        proxyUrl,
                        "gcs.no-auth",
                        "true",
                        "gcs.project-id",
                        "test",
                        "gcs.upload.threshold",
                        "1MiB")),
            null);
    proxy = faulty.proxy;
    throughProxy = faulty.throughProxy;
    large = new byte[3 * MIB]; // above gcs.upload.threshold: a resumable upload
    new Random(7).nextBytes(large);
  }

  @AfterAll
  static void stop() throws IOException {
    faulty.close();
  }

  private static String repository(String path, byte[] content) throws IOException {
    return faulty.repository("gs://faults-lake/", path, content);
  }

  private static ExportResult export(String repo, String destination, boolean serverSide) {
    try (Exporter exporter =
        faulty.exporter(repo, destination).serverSideCopy(serverSide).build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  @BeforeEach
  void clearFaults() {
    proxy.reset();
  }

  private static final Predicate<FaultProxy.Request> RESUMABLE_CHUNKS =
      method("PUT").and(targetContains("/upload/")).and(targetContains("large.bin"));

  /**
   * The client retried a throttled upload by itself, six tries with backoff from 1 s, for each of
   * the engine's four attempts: minutes of waiting and up to 24 requests. Sent once, it is tried
   * four times and fails with GCS's 429.
   */
  @Test
  @Timeout(30)
  void aThrottledUploadIsTriedFourTimesAndFailsWith429() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(RESUMABLE_CHUNKS, 1_000, FaultProxy.gcsTooManyRequests());

    ExportResult result = export(repo, "gs://faults-out/" + repo, false);

    assertThat(proxy.count(RESUMABLE_CHUNKS)).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo("big/large.bin"))
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(f -> assertThat(f.error()).contains("429"));
  }

  /**
   * The compose that finishes a parallel upload is not retried by the copy engine, so the client
   * keeps its own retries for it: sent once, one 429 failed the whole object.
   */
  @Test
  @Timeout(30)
  void aComposeThrottledOnceIsSentAgainByTheClientAndTheObjectIsWhole() throws IOException {
    Location target = Location.parse("gs://faults-out/composed-" + UUID.randomUUID() + ".bin");
    var store = (MultipartWritable) throughProxy.storeFor(target);
    byte[] content = new byte[6 * MIB];
    new Random(11).nextBytes(content);
    MultipartUpload upload =
        store.startMultipart(target, content.length, 5L * MIB, ObjectMetadata.EMPTY);
    var parts =
        List.of(
            upload.writePart(1, new ByteArrayInputStream(content, 0, 5 * MIB), 5L * MIB),
            upload.writePart(2, new ByteArrayInputStream(content, 5 * MIB, MIB), MIB));
    Predicate<FaultProxy.Request> composes = method("POST").and(targetContains("/compose"));
    proxy.on(composes, 1, FaultProxy.gcsTooManyRequests());

    upload.complete(parts);

    assertThat(proxy.count(composes)).isEqualTo(2);
    try (InputStream in = throughProxy.storeFor(target).read(target, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  @Timeout(30)
  void anUploadThrottledOnceIsSentAgainAndTheObjectIsWhole() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(RESUMABLE_CHUNKS, 1, FaultProxy.gcsTooManyRequests());

    ExportResult result = export(repo, "gs://faults-out/" + repo, false);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read("gs://faults-out/" + repo + "/big/large.bin")).isEqualTo(large);
    assertThat(proxy.count(RESUMABLE_CHUNKS)).isEqualTo(2);
  }

  @Test
  @Timeout(30)
  void aThrottledRewriteIsTriedFourTimes() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    proxy.on(targetContains("/rewriteTo/"), 1_000, FaultProxy.gcsTooManyRequests());

    ExportResult result = export(repo, "gs://faults-out/" + repo, true);

    assertThat(proxy.count(targetContains("/rewriteTo/"))).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(f -> assertThat(f.error()).contains("429"));
  }

  @Test
  @Timeout(30)
  void aThrottledRangedReadIsTriedFourTimes() throws IOException {
    String repo = repository("big/large.bin", large);
    Predicate<FaultProxy.Request> reads = method("GET").and(targetContains("alt=media"));
    proxy.on(reads, 1_000, FaultProxy.gcsTooManyRequests());

    ExportResult result = export(repo, out.toUri().toString(), false);

    assertThat(proxy.count(reads)).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(f -> assertThat(f.error()).contains("429"));
  }

  /**
   * A read whose every answer breaks off after its head: the client sent it again by itself,
   * without count or pause (a thousand requests in two seconds, then on while the fault lasted).
   * Sent once by the client, it is tried four times by the copy engine and the failure names the
   * endpoint and the object.
   */
  @Test
  @Timeout(30)
  void aReadWhoseAnswerAlwaysBreaksOffIsTriedFourTimes() throws IOException {
    String repo = repository("big/large.bin", large);
    Predicate<FaultProxy.Request> reads = method("GET").and(targetContains("alt=media"));
    proxy.on(reads, 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result = export(repo, out.toUri().toString(), false);

    assertThat(proxy.count(reads)).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(
            f ->
                assertThat(f.error())
                    .contains("gs://faults-lake/" + repo)
                    .contains(proxy.url())
                    .doesNotContain("Exception"));
  }

  /** A read that breaks off mid-body once is read again, and the copy is exact. */
  @Test
  @Timeout(30)
  void aReadResetMidBodyIsReadAgainAndTheCopyIsExact() throws IOException {
    String repo = repository("big/large.bin", large);
    Predicate<FaultProxy.Request> reads = method("GET").and(targetContains("alt=media"));
    proxy.on(reads, 1, new FaultProxy.ResetAfter(MIB));

    ExportResult result = export(repo, out.toUri().toString(), false);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(Files.readAllBytes(out.resolve("big/large.bin"))).isEqualTo(large);
    assertThat(proxy.count(reads)).isEqualTo(2);
  }

  /** Deletes go as one batch request: a throttled batch is sent four times, then reported. */
  @Test
  @Timeout(30)
  void aThrottledDeleteBatchIsTriedFourTimesAndReported() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    faulty.emulator.putObject(repo, "main", "data/gone.csv", "x".getBytes(), "text/csv", Map.of());
    String previous = faulty.emulator.commit(repo, "main", "two");
    assertThat(export(repo, "gs://faults-out/" + repo, false).succeeded()).isTrue();
    faulty.emulator.deleteObject(repo, "main", "data/gone.csv");
    faulty.emulator.commit(repo, "main", "remove one");
    proxy.reset();
    proxy.on(targetContains("/batch/"), 1_000, FaultProxy.gcsTooManyRequests());

    ExportResult result;
    try (Exporter exporter = faulty.exporter(repo, "gs://faults-out/" + repo).build()) {
      result = exporter.exportFrom("main", previous);
    }

    // Four for the removed key, four for the stale SUCCESS file the failure file replaces, four
    // for the export's lease, given up at its end.
    assertThat(proxy.count(targetContains("/batch/"))).isEqualTo(12);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo("data/gone.csv"))
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4))
        .satisfies(f -> assertThat(f.error()).contains("429"));
    assertThat(read("gs://faults-out/" + repo + "/data/gone.csv")).isEqualTo("x".getBytes());
  }

  /**
   * A missing bucket is no throttling: the destination check asks once, and the export is refused
   * before anything is copied.
   */
  @Test
  @Timeout(30)
  void aMissingBucketIsAskedOnceAndRefused() throws IOException {
    String repo = repository("big/large.bin", large);

    assertThatThrownBy(() -> export(repo, "gs://no-such-bucket-f/" + repo, false))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("no-such-bucket-f");
    assertThat(proxy.count(targetContains("no-such-bucket-f"))).isEqualTo(1);
    assertThat(proxy.count(RESUMABLE_CHUNKS)).isZero();
  }

  private static byte[] read(String location) throws IOException {
    return faulty.read(location);
  }
}
