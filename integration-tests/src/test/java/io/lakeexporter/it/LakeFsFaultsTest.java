package io.lakeexporter.it;

import static io.lakeexporter.testing.FaultProxy.method;
import static io.lakeexporter.testing.FaultProxy.targetContains;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.testing.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lakeFS answering 503 in the middle of a listing, through a proxy before the emulator. */
class LakeFsFaultsTest {

  @TempDir static Path work;
  @TempDir Path out;
  private static LocalLakeFs lakeFs;
  private static FaultProxy proxy;
  private static LakeFsClient throughProxy;
  private static String repo;
  private static String head;

  @BeforeAll
  static void start() throws IOException {
    lakeFs = new LocalLakeFs(work);
    proxy = FaultProxy.to("http://127.0.0.1:" + lakeFs.emulator.port());
    throughProxy =
        LakeFsClient.create(
            LakeFsConfig.builder()
                .apiUrl(proxy.url() + "/api/v1")
                .accessKeyId(lakeFs.emulator.accessKeyId())
                .secretAccessKey(lakeFs.emulator.secretAccessKey())
                .build());
    repo = lakeFs.newRepository();
    // Two listing pages of 1000: the second is the one that fails.
    for (int i = 0; i < 1_100; i++) {
      lakeFs.put(repo, String.format("data/%05d.csv", i), "row " + i);
    }
    head = lakeFs.emulator.commit(repo, "main", "two pages");
  }

  @AfterAll
  static void stop() throws IOException {
    throughProxy.close();
    proxy.close();
    lakeFs.close();
  }

  /** The second listing request and, as long as the rule lasts, every one after it. */
  private static Predicate<FaultProxy.Request> secondListingPage() {
    var listings = new AtomicInteger();
    return method("GET")
        .and(targetContains("/objects/ls"))
        .and(r -> listings.incrementAndGet() >= 2);
  }

  private ExportResult export() {
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(throughProxy)
            .repository(repo)
            .destination(out.toUri().toString())
            .storage(lakeFs.storage)
            .countFirst(false)
            .build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  /**
   * Counted first (the command line's default, for its progress), the commit is listed twice in
   * all: the count, then round 1; the later round's markers come from the count's pass, not from a
   * listing of the whole commit again.
   */
  @Test
  void aCountedExportListsTheCommitForTheCountAndRoundOneOnly() throws IOException {
    String marked = lakeFs.newRepository();
    lakeFs.put(marked, "t/part-0", "p0");
    lakeFs.put(marked, "t/part-1", "p1");
    lakeFs.put(marked, "t/_SUCCESS", "");
    lakeFs.emulator.commit(marked, "main", "a table");
    proxy.reset();
    ExportResult result;
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(throughProxy)
            .repository(marked)
            .destination(out.resolve("counted").toUri().toString())
            .storage(lakeFs.storage)
            .countFirst(true)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).isTrue();
    assertThat(result.rounds()).extracting(RoundSummary::copied).containsExactly(2L, 1L);
    assertThat(proxy.count(method("GET").and(targetContains("/objects/ls")))).isEqualTo(2);
  }

  /** One 503 broke off the listing and failed the whole export; the page is now asked again. */
  @Test
  void aListingPageAnswered503OnceIsAskedAgain() throws IOException {
    proxy.reset();
    proxy.on(secondListingPage(), 1, FaultProxy.lakeFsUnavailable());

    ExportResult result = export();

    assertThat(result.succeeded()).isTrue();
    assertThat(LocalLakeFs.tree(out)).hasSize(1_100);
    assertThat(proxy.count(method("GET").and(targetContains("/objects/ls")))).isEqualTo(3);
  }

  /**
   * The repository itself (read for its storage namespace before anything is exported) is asked
   * again after a 503 like every other read; it went through the SDK's own call, without retries,
   * and one 503 ended the export before it began.
   */
  @Test
  void theRepositoryAnswered503OnceIsAskedAgain() throws IOException {
    proxy.reset();
    Predicate<FaultProxy.Request> repository =
        method("GET").and(r -> r.target().endsWith("/repositories/" + repo));
    proxy.on(repository, 1, FaultProxy.lakeFsUnavailable());

    ExportResult result = export();

    assertThat(result.succeeded()).isTrue();
    assertThat(proxy.count(repository)).isEqualTo(2);
  }

  @Test
  void aListingPageThatStays503FailsTheExportAfterFourAttempts() throws IOException {
    proxy.reset();
    proxy.on(
        secondListingPage(),
        1_000,
        new FaultProxy.Answer(
            503,
            Map.of("Content-Type", "application/json", "Retry-After", "0"),
            "{\"message\":\"service unavailable\"}"));

    ExportResult result = export();

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error()).startsWith("round 1 stopped: ").contains("503");
    // Page 1, then page 2 asked four times by each of the two reads that reach it (one request
    // each before these retries: 3 in all).
    assertThat(proxy.count(method("GET").and(targetContains("/objects/ls")))).isEqualTo(1 + 2 * 4);
    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("status").asText()).isEqualTo("FAILURE");
    assertThat(status.get("error").asText()).isEqualTo(result.error());
    assertThat(status.get("totals").get("copied").asLong()).isEqualTo(1_000);
  }

  /**
   * lakeFS gone in the middle of a round: each copy read through it failed on its own after its
   * attempts (minutes for a round of thousands at a low concurrency) before a listing page found it
   * gone. The first copy that cannot reach it now stops the round; what was copied is counted.
   */
  @Test
  void lakeFsGoneMidRoundStopsTheRoundAtTheFirstCopyThatCannotReachIt() throws IOException {
    int concurrency = 4;
    var copied = new AtomicInteger();
    ExportResult result;
    String gone;
    try (FaultProxy doomed = FaultProxy.to("http://127.0.0.1:" + lakeFs.emulator.port());
        LakeFsClient client =
            LakeFsClient.create(
                LakeFsConfig.builder()
                    .apiUrl(doomed.url() + "/api/v1")
                    .accessKeyId(lakeFs.emulator.accessKeyId())
                    .secretAccessKey(lakeFs.emulator.secretAccessKey())
                    .build());
        Exporter exporter =
            Exporter.builder()
                .lakeFs(client)
                .repository(repo)
                .destination(out.toUri().toString())
                .storage(lakeFs.storage)
                .sourceMode(SourceMode.LAKEFS)
                .concurrency(concurrency)
                .retry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)))
                .listener(
                    new ProgressListener() {
                      @Override
                      public void actionFinished(ActionOutcome outcome) {
                        if (outcome.succeeded() && copied.incrementAndGet() == 3) {
                          try {
                            doomed.close(); // connections refused from here on
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }
                      }
                    })
                .build()) {
      gone = doomed.url() + "/api/v1";
      result = exporter.exportAllFromBranch("main");
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 1 stopped: the copy of '")
        .contains(
            "could not reach a server the export needs, or had no answer from it, so the round took no more objects")
        .contains("through lakeFS at " + gone + ": the connection was refused");
    // Only the copies under way when lakeFS went: none was taken after the first failed.
    assertThat(result.failures()).isNotEmpty().hasSizeLessThanOrEqualTo(concurrency);
    assertThat(result.failures())
        .allSatisfy(f -> assertThat(f.error()).contains("the connection was refused"));
    assertThat(result.copied()).isGreaterThanOrEqualTo(3);
    assertThat(result.copied() + result.failures().size()).isLessThan(1_100);
    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("error").asText()).isEqualTo(result.error());
    assertThat(status.get("totals").get("copied").asLong()).isEqualTo(result.copied());
  }

  /**
   * A lakeFS client the caller shares with the export, closed before the export ended: each copy
   * after it failed on its own ("lakeFS client ... is closed"), with no word of why the export
   * failed. The round stops at the first, as for a server gone.
   */
  @Test
  void aSharedClientClosedMidRoundStopsTheRound() throws IOException {
    var copied = new AtomicInteger();
    ExportResult result;
    try (LakeFsClient shared =
            LakeFsClient.create(
                lakeFs.config(lakeFs.emulator.accessKeyId(), lakeFs.emulator.secretAccessKey()));
        Exporter exporter =
            Exporter.builder()
                .lakeFs(shared)
                .repository(repo)
                .destination(out.toUri().toString())
                .storage(lakeFs.storage)
                .sourceMode(SourceMode.LAKEFS)
                .concurrency(4)
                .listener(
                    new ProgressListener() {
                      @Override
                      public void actionFinished(ActionOutcome outcome) {
                        if (outcome.succeeded() && copied.incrementAndGet() == 3) {
                          shared.close();
                        }
                      }
                    })
                .build()) {
      result = exporter.exportAllFromBranch("main");
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 1 stopped: the copy of '")
        .contains(
            "found a client the export uses closed (close a lakeFS client or storage registry"
                + " after the exports that use it), so the round took no more objects")
        .contains("is closed");
    assertThat(result.failures()).isNotEmpty().hasSizeLessThanOrEqualTo(4);
    assertThat(result.copied()).isGreaterThanOrEqualTo(3);
    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("error").asText()).isEqualTo(result.error());
  }

  /**
   * Whether a removed key's bytes are an earlier commit's import is asked of lakeFS before the
   * delete; a lakeFS that cannot answer leaves the bytes where they are, and says so.
   */
  @Test
  void aDeleteLakeFsCannotClearIsNotDone() throws IOException {
    String imports = lakeFs.newRepository();
    Path source = lakeFs.blockstore.resolve("imports-" + imports);
    Path imported = source.resolve("raw/a.csv");
    Files.createDirectories(imported.getParent());
    Files.writeString(imported, "imported");
    lakeFs.emulator.linkObject(
        imports, "main", "raw/a.csv", "local://imports-" + imports + "/raw/a.csv", 8, "", "");
    String previous = lakeFs.emulator.commit(imports, "main", "import");
    lakeFs.emulator.deleteObject(imports, "main", "raw/a.csv");
    lakeFs.put(imports, "raw/b.csv", "b");
    lakeFs.emulator.commit(imports, "main", "edit");
    proxy.reset();
    Predicate<FaultProxy.Request> previousStat =
        method("GET").and(targetContains("/refs/" + previous + "/objects/stat"));
    proxy.on(previousStat, 1_000, FaultProxy.lakeFsUnavailable());

    ExportResult result;
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(throughProxy)
            .repository(imports)
            .destination(source.toUri().toString())
            .storage(lakeFs.storage)
            // The import's own source, which no export wrote: the lookup is tested here.
            .checkPreviousExport(false)
            .build()) {
      result = exporter.exportFrom("main", previous);
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.copied()).isEqualTo(1);
    assertThat(result.failures()).hasSize(1);
    var failure = result.failures().get(0);
    assertThat(failure.path()).isEqualTo("raw/a.csv");
    assertThat(failure.error())
        .startsWith("not deleting ")
        .contains("lakeFS could not tell whether commit " + previous)
        .contains("503");
    // The lakeFS client's own four attempts.
    assertThat(proxy.count(previousStat)).isEqualTo(4);
    assertThat(imported).hasContent("imported");
  }
}
