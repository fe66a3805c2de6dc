package io.lakeexporter.it;

import static io.lakeexporter.testing.FaultProxy.method;
import static io.lakeexporter.testing.FaultProxy.targetContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.ExportInterruptedException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.s3.S3ProxyServer;
import io.lakeexporter.testing.FaultProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Throttling and broken connections between the exporter and S3Proxy, injected by a proxy on the
 * real traffic: how many attempts reach the store, what the failure names, what lands.
 */
class S3FaultsTest {

  private static final int MIB = 1 << 20;

  @TempDir Path out;
  private static FaultyStore faulty;
  private static FaultProxy proxy;
  private static byte[] large;

  @BeforeAll
  static void start() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.shared();
    s3.createBucket("faults-lake");
    s3.createBucket("faults-out");
    faulty =
        FaultyStore.behind(
            s3.endpoint(),
            proxyUrl ->
                s3.settings()
                    .overlay(
                        StorageSettings.of(
                            Map.of(
                                "s3.endpoint", proxyUrl,
                                "s3.multipart.threshold", "6MiB",
                                "s3.multipart.part-size", "5MiB",
                                "s3.copy.multipart-threshold", "6MiB",
                                "s3.copy.part-size", "5MiB"))),
            s3.settings());
    proxy = faulty.proxy;
    large = new byte[11 * MIB]; // parts of 5, 5 and 1 MiB
    new Random(7).nextBytes(large);
  }

  @AfterAll
  static void stop() throws IOException {
    faulty.close();
  }

  @BeforeEach
  void clearFaults() {
    proxy.reset();
  }

  private static String repository(String path, byte[] content) throws IOException {
    return faulty.repository("s3://faults-lake/", path, content);
  }

  private static ExportResult export(String repo, String destination) {
    // streamed through the exporter, written by the store as a multipart upload
    try (Exporter exporter = faulty.exporter(repo, destination).serverSideCopy(false).build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  private static ExportResult exportServerSide(String repo, String destination) {
    try (Exporter exporter = faulty.exporter(repo, destination).build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  /**
   * Interrupts the calling thread once the proxy has seen a request {@code seen} matches; join the
   * returned thread, then clear the interrupt.
   */
  private static Thread interruptOnceSeen(Predicate<FaultProxy.Request> seen) {
    Thread caller = Thread.currentThread();
    var interrupter =
        new Thread(
            () -> {
              while (proxy.count(seen) == 0) {
                Thread.onSpinWait();
              }
              caller.interrupt();
            });
    interrupter.start();
    return interrupter;
  }

  /** The multipart uploads S3 still holds under the repository's destination. */
  private static List<MultipartUpload> uploadsLeft(String repo) {
    return S3ProxyServer.shared()
        .admin()
        .listMultipartUploads(b -> b.bucket("faults-out").prefix(repo))
        .uploads();
  }

  private static byte[] read(String location) throws IOException {
    return faulty.read(location);
  }

  private static JsonNode failureFile(String root, ExportResult result) throws IOException {
    return new ObjectMapper().readTree(read(root + "/EXPORT_" + result.commitId() + "_FAILURE"));
  }

  /**
   * The SDK retried a throttled UploadPart, found its one-shot body consumed and reported "the
   * source stream cannot be replayed" instead of S3's SlowDown. Sent once by the SDK, the part is
   * tried four times in all, by the copy engine, and the failure names S3's own answer.
   */
  @Test
  void aThrottledPartFailsWithS3sAnswerAfterFourAttemptsAndLeavesNoUpload() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    proxy.on(method("PUT").and(targetContains("partNumber=2")), 1_000, FaultProxy.s3SlowDown());

    ExportResult result = export(repo, root);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo("big/large.bin"))
        .satisfies(f -> assertThat(f.error()).contains("part 2").contains("503 SlowDown"));
    assertThat(proxy.count(method("PUT").and(targetContains("partNumber=2")))).isEqualTo(4);
    assertThat(proxy.count(method("POST").and(targetContains("?uploads")))).isEqualTo(4);
    assertThat(proxy.count(method("DELETE").and(targetContains("uploadId=")))).isEqualTo(4);
    assertThat(uploadsLeft(repo)).isEmpty();
    JsonNode failures = failureFile(root, result).get("failures");
    assertThat(failures.get(0).get("key").asText()).isEqualTo("big/large.bin");
    assertThat(failures.get(0).get("operation").asText()).isEqualTo("copy");
    assertThat(failures.get(0).get("error").asText()).contains("503 SlowDown");
  }

  /**
   * An interrupt is a cancel: the copy in parts under way stops after the parts being written and
   * aborts its upload rather than run to its end (on a slow link, past the minute a signalled
   * command line waits for it); the part that failed meanwhile is not tried again.
   */
  @Test
  void anInterruptAbortsTheUploadUnderWay() throws Exception {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    Predicate<FaultProxy.Request> part2 = method("PUT").and(targetContains("partNumber=2"));
    proxy.on(part2, 1, new FaultProxy.Stall(Duration.ofSeconds(3)));
    // Once part 2 is stalled, which its retry would get past.
    Thread interrupter = interruptOnceSeen(part2);
    ExportResult result;
    // Copied by the engine in parts (over the threshold), read from S3 and written part by part.
    try (Exporter exporter =
        faulty
            .exporter(repo, root)
            .serverSideCopy(false)
            .multipartThreshold(large.length)
            .partSize(5 * MIB)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    } finally {
      // The export leaves this thread interrupted: cleared first, or waiting for an interrupter
      // that has sent its interrupt but not yet ended would end at once, interrupted.
      Thread.interrupted();
      interrupter.join();
    }

    assertThat(result.error()).contains("interrupted");
    assertThat(result.copied()).isZero();
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo("big/large.bin"))
        .satisfies(f -> assertThat(f.error()).contains("interrupted"));
    assertThat(proxy.count(part2)).as("part 2 not sent again").isEqualTo(1);
    assertThat(uploadsLeft(repo)).isEmpty();
    assertThat(failureFile(root, result).get("failures").get(0).get("key").asText())
        .isEqualTo("big/large.bin");
  }

  /**
   * An interrupt that arrives while the destination's store does not answer its check is said to
   * have come then, not blamed on lakeFS's next answer.
   */
  @Test
  void anInterruptDuringTheDestinationsCheckIsSaidToHaveComeThen() throws Exception {
    String repo = repository("small.csv", "a,b\n".getBytes(StandardCharsets.UTF_8));
    String root = "s3://faults-out/" + repo;
    Predicate<FaultProxy.Request> probe = targetContains(".lakefs-export-bucket-probe");
    proxy.on(probe, 1, new FaultProxy.Stall(Duration.ofSeconds(2)));
    Thread interrupter = interruptOnceSeen(probe);
    try (Exporter exporter = faulty.exporter(repo, root).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(ExportInterruptedException.class)
          .hasMessageEndingWith(root + " interrupted while checking the destination");
    } finally {
      // The export leaves this thread interrupted: cleared first, or waiting for an interrupter
      // that has sent its interrupt but not yet ended would end at once, interrupted.
      Thread.interrupted();
      interrupter.join();
    }
  }

  @Test
  void aPartThrottledOnceIsSentAgainAndTheObjectIsWhole() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    proxy.on(method("PUT").and(targetContains("partNumber=2")), 1, FaultProxy.s3SlowDown());

    ExportResult result = export(repo, root);

    assertThat(result.succeeded()).isTrue();
    assertThat(read(root + "/big/large.bin")).isEqualTo(large);
    assertThat(proxy.count(method("PUT").and(targetContains("partNumber=2")))).isEqualTo(2);
  }

  @Test
  void aThrottledSmallPutIsTriedFourTimesAndNamedInTheFailureFile() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    String root = "s3://faults-out/" + repo;
    proxy.on(method("PUT").and(targetContains("small.csv")), 1_000, FaultProxy.s3SlowDown());

    ExportResult result = export(repo, root);

    assertThat(proxy.count(method("PUT").and(targetContains("small.csv")))).isEqualTo(4);
    JsonNode failure = failureFile(root, result).get("failures").get(0);
    assertThat(failure.get("key").asText()).isEqualTo("data/small.csv");
    assertThat(failure.get("error").asText()).contains("503 SlowDown");
  }

  /**
   * The answer to CompleteMultipartUpload broken off after S3 completed the object: the object is
   * there, whole, and the copy succeeded. The SDK's failure to read the answer (an
   * UncheckedIOException, which it does not retry) escaped as "java.net.SocketException: Connection
   * reset", not retried either, and failed the copy of an object exported in full.
   */
  @Test
  void aCompleteWhoseAnswerIsLostIsNotTakenForAFailure() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    var complete = method("POST").and(targetContains("uploadId="));
    proxy.on(complete, 1, new FaultProxy.ResetAfter(0));

    ExportResult result = export(repo, root);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read(root + "/big/large.bin")).isEqualTo(large);
    // Once when the reset comes after the SDK read the answer's head (it then fails reading the
    // body, and does not send it again); twice when it comes first (the SDK sends it again and
    // S3 answers NoSuchUpload). Either way the object is found complete.
    assertThat(proxy.count(complete)).isBetween(1L, 2L);
    // Taken as done, not started again.
    assertThat(proxy.count(method("POST").and(targetContains("?uploads")))).isEqualTo(1);
  }

  /** An upload gone meanwhile (aborted, expired) is not a missing source: the object is redone. */
  @Test
  void anUploadGoneBeforeItsCompleteIsStartedAgain() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    var complete = method("POST").and(targetContains("uploadId="));
    proxy.on(
        complete,
        1,
        new FaultProxy.Answer(
            404,
            Map.of("Content-Type", "application/xml"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchUpload</Code>"
                + "<Message>The specified multipart upload does not exist.</Message></Error>"));

    ExportResult result = export(repo, root);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read(root + "/big/large.bin")).isEqualTo(large);
    assertThat(proxy.count(method("POST").and(targetContains("?uploads")))).isEqualTo(2);
  }

  /** A ranged GET that breaks off mid-body: its part is read again, and the bytes are right. */
  @Test
  void aReadResetMidBodyIsReadAgainAndTheCopyIsExact() throws IOException {
    String repo = repository("big/large.bin", large);
    proxy.on(method("GET").and(targetContains("/faults-lake/")), 1, new FaultProxy.ResetAfter(MIB));

    ExportResult result = export(repo, out.toUri().toString());

    assertThat(result.succeeded()).isTrue();
    assertThat(Files.readAllBytes(out.resolve("big/large.bin"))).isEqualTo(large);
    assertThat(proxy.count(method("GET").and(targetContains("/faults-lake/")))).isEqualTo(2);
  }

  /**
   * DeleteObjects is sent once by the SDK, and again by the copy engine only: a batch S3 keeps
   * throttling is tried as often as the engine's policy says, not that many times the SDK's own.
   */
  @Test
  void aThrottledDeleteBatchIsSentFourTimesInAll() throws IOException {
    String repo = repository("data/old.csv", "old".getBytes());
    // Two removed keys: one alone is a DeleteObject on the exporter's own HTTP path.
    faulty.emulator.putObject(
        repo, "main", "data/old2.csv", "old".getBytes(), "text/csv", Map.of());
    faulty.emulator.commit(repo, "main", "two");
    String root = "s3://faults-out/" + repo;
    String first = exportServerSide(repo, root).commitId();
    assertThat(read(root + "/data/old.csv")).isEqualTo("old".getBytes());
    faulty.emulator.deleteObject(repo, "main", "data/old.csv");
    faulty.emulator.deleteObject(repo, "main", "data/old2.csv");
    faulty.emulator.putObject(repo, "main", "data/new.csv", "new".getBytes(), "text/csv", Map.of());
    faulty.emulator.commit(repo, "main", "replace");
    Predicate<FaultProxy.Request> deletes = method("POST").and(targetContains("?delete"));
    proxy.on(deletes, 1_000, FaultProxy.s3SlowDown());

    ExportResult result;
    try (Exporter exporter = faulty.exporter(repo, root).build()) {
      result = exporter.exportFrom("main", first);
    }

    assertThat(result.succeeded()).isFalse();
    assertThat(proxy.count(deletes)).isEqualTo(4);
    assertThat(result.failures())
        .extracting(f -> f.path())
        .containsExactlyInAnyOrder("data/old.csv", "data/old2.csv");
    assertThat(result.failures())
        .allSatisfy(
            f -> {
              assertThat(f.error()).contains("503 SlowDown");
              assertThat(f.attempts()).isEqualTo(4);
            });
    assertThat(read(root + "/data/old.csv")).isEqualTo("old".getBytes());
    assertThat(read(root + "/data/old2.csv")).isEqualTo("old".getBytes());
    assertThat(read(root + "/data/new.csv")).isEqualTo("new".getBytes());
  }

  /** CopyObject goes over the exporter's own HTTP client, which does not retry by itself. */
  @Test
  void aThrottledServerSideCopyIsTriedFourTimes() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    String root = "s3://faults-out/" + repo;
    proxy.on(method("PUT").and(targetContains("small.csv")), 1_000, FaultProxy.s3SlowDown());
    ExportResult result = exportServerSide(repo, root);
    assertThat(result.succeeded()).isFalse();
    assertThat(proxy.count(r -> !r.header("x-amz-copy-source").isEmpty())).isEqualTo(4);
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.error()).contains("503 SlowDown"));
  }

  /**
   * The failure of a request whose every answer broke off after its head, once the copy engine's
   * four attempts are spent: it names the key and the endpoint, and says what happened in words,
   * not as the socket's exception ("java.net.SocketException: Connection reset").
   */
  private static void brokeOffFourTimes(ExportResult result, String location) {
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failures())
        .allSatisfy(f -> assertThat(f.attempts()).isEqualTo(4))
        .allSatisfy(
            f ->
                assertThat(f.error())
                    .contains(location)
                    .contains("(endpoint " + proxy.url() + ")")
                    .contains("the connection broke off")
                    .doesNotContain("Exception"));
  }

  @Test
  void aCreateMultipartUploadWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    var creates = method("POST").and(targetContains("?uploads"));
    proxy.on(creates, 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result = export(repo, root);

    assertThat(proxy.count(creates)).isEqualTo(4);
    brokeOffFourTimes(result, root + "/big/large.bin");
  }

  /** UploadPartCopy, for a server-side copy above s3.copy.multipart-threshold. */
  @Test
  void aPartCopyWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    proxy.on(partCopies(1), 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result = exportServerSide(repo, root);

    assertThat(proxy.count(partCopies(1))).isEqualTo(4);
    brokeOffFourTimes(result, root + "/big/large.bin");
  }

  /** UploadPartCopy requests for part {@code n} of a server-side copy. */
  private static Predicate<FaultProxy.Request> partCopies(int n) {
    return r ->
        !r.header("x-amz-copy-source").isEmpty() && r.target().contains("partNumber=" + n + "&");
  }

  /**
   * A part copy whose answer was lost is copied again alone: the upload and the other parts stand.
   * Before, the whole copy started over with a new upload, every part copied again.
   */
  @Test
  void aPartCopyWhoseAnswerIsLostOnceIsCopiedAgainAlone() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    proxy.on(partCopies(2), 1, new FaultProxy.ResetAfter(0));

    ExportResult result = exportServerSide(repo, root);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(read(root + "/big/large.bin")).isEqualTo(large);
    assertThat(proxy.count(partCopies(2))).isEqualTo(2);
    assertThat(proxy.count(partCopies(1))).isEqualTo(1);
    assertThat(proxy.count(partCopies(3))).isEqualTo(1);
    assertThat(proxy.count(method("POST").and(targetContains("?uploads")))).isEqualTo(1);
  }

  /**
   * A part copy S3 keeps throttling is sent four times in all, by the engine: not three times by
   * the SDK for each of them, nor again for each attempt of the whole copy. Its failure names S3's
   * answer, and the upload is aborted.
   */
  @Test
  void aThrottledPartCopyIsSentFourTimesInAllAndLeavesNoUpload() throws IOException {
    String repo = repository("big/large.bin", large);
    String root = "s3://faults-out/" + repo;
    proxy.on(partCopies(2), 1_000, FaultProxy.s3SlowDown());

    ExportResult result = exportServerSide(repo, root);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.error()).contains("part 2").contains("503 SlowDown"))
        .satisfies(f -> assertThat(f.attempts()).isEqualTo(4));
    assertThat(proxy.count(partCopies(2))).isEqualTo(4);
    assertThat(proxy.count(method("POST").and(targetContains("?uploads")))).isEqualTo(1);
    assertThat(uploadsLeft(repo)).isEmpty();
  }

  /** CopyObject over the exporter's own HTTP client. */
  @Test
  void aCopyWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    String root = "s3://faults-out/" + repo;
    Predicate<FaultProxy.Request> copies = r -> !r.header("x-amz-copy-source").isEmpty();
    proxy.on(copies, 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result = exportServerSide(repo, root);

    assertThat(proxy.count(copies)).isEqualTo(4);
    brokeOffFourTimes(result, root + "/data/small.csv");
  }

  /** DeleteObjects, for a diff's two removed keys. */
  @Test
  void aDeleteBatchWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    String root = "s3://faults-out/" + repo;
    faulty.emulator.putObject(repo, "main", "data/gone1.csv", "x".getBytes(), "text/csv", Map.of());
    faulty.emulator.putObject(repo, "main", "data/gone2.csv", "y".getBytes(), "text/csv", Map.of());
    String previous = faulty.emulator.commit(repo, "main", "two");
    assertThat(export(repo, root).succeeded()).isTrue();
    faulty.emulator.deleteObject(repo, "main", "data/gone1.csv");
    faulty.emulator.deleteObject(repo, "main", "data/gone2.csv");
    faulty.emulator.commit(repo, "main", "remove two");
    proxy.reset();
    var batches = method("POST").and(targetContains("?delete"));
    proxy.on(batches, 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result;
    try (Exporter exporter = faulty.exporter(repo, root).build()) {
      result = exporter.exportFrom("main", previous);
    }

    assertThat(proxy.count(batches)).isEqualTo(4);
    assertThat(result.failures()).hasSize(2);
    brokeOffFourTimes(result, root + "/data/gone");
    // Both keys carry the one batch's failure, which says it was a batch's (it named only the
    // first key, as if about that one).
    assertThat(result.failures())
        .allSatisfy(f -> assertThat(f.error()).contains("delete a batch of 2 keys with"));
  }

  /** GetObject over the exporter's own HTTP client. */
  @Test
  void aReadWhoseAnswerAlwaysBreaksOffFailsInWords() throws IOException {
    String repo = repository("data/small.csv", "a,b\n".getBytes());
    var reads = method("GET").and(targetContains("/faults-lake/"));
    proxy.on(reads, 1_000, new FaultProxy.ResetAfter(0));

    ExportResult result = export(repo, out.toUri().toString());

    assertThat(proxy.count(reads)).isEqualTo(4);
    brokeOffFourTimes(result, "s3://faults-lake/" + repo + "/");
  }

  /**
   * Run again skipping identical objects, an export that does not count first lists the destination
   * beside its first round: the ETags in the listing tell, and no object of that round is asked
   * about or copied. The markers' round, known by then to hold one object, asks about it.
   */
  @Test
  void aReRunSkippingIdenticalObjectsReadsTheDestinationsListingNotAHeadPerObject()
      throws IOException {
    String repo = repository("data/part-00.csv", bytes("part 0"));
    for (int i = 1; i < 30; i++) {
      faulty.emulator.putObject(
          repo, "main", "data/part-" + i + ".csv", bytes("part " + i), "text/csv", Map.of());
    }
    faulty.emulator.putObject(repo, "main", "data/_SUCCESS", new byte[0], "", Map.of());
    faulty.emulator.commit(repo, "main", "more");
    String root = "s3://faults-out/" + repo;
    try (Exporter exporter =
        faulty.exporter(repo, root).skipIdentical(true).countFirst(false).build()) {
      ExportResult first = exporter.exportAllFromBranch("main");
      assertThat(first.succeeded()).as(first.failures().toString()).isTrue();
      assertThat(first.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(31);
      proxy.reset();
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(31);
    }
    assertThat(proxy.count(r -> !r.header("x-amz-copy-source").isEmpty())).isZero();
    assertThat(proxy.count(method("HEAD").and(targetContains("/data/part-")))).isZero();
    assertThat(proxy.count(method("HEAD").and(targetContains("/data/_SUCCESS")))).isEqualTo(1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
