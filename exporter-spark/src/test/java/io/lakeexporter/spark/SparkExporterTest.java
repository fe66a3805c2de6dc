package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.DestinationInUseException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.PreviousExportMissingException;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.DestinationLease;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import io.lakeexporter.testing.FaultProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark in local mode, end to end through the emulator on local files. */
class SparkExporterTest {

  @TempDir static Path work;
  private static SparkSession spark;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static LakeFsConfig config;
  private static Map<String, String> settings;

  @TempDir Path out;

  @BeforeAll
  static void start() throws IOException {
    spark = LocalSpark.session("lakefs-export-test");
    settings = Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString());
    storage = StorageRegistry.discover(StorageSettings.of(settings));
    emulator = LakeFsEmulator.builder().storage(storage).start();
    config =
        LakeFsConfig.builder()
            .apiUrl(emulator.apiUrl())
            .accessKeyId(emulator.accessKeyId())
            .secretAccessKey(emulator.secretAccessKey())
            .build();
  }

  @AfterAll
  static void stop() throws IOException {
    spark.stop();
    emulator.close();
    storage.close();
  }

  private static String repository(String name) throws IOException {
    emulator.createRepository(name, "local://" + name, "main");
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < 4; p++) {
        put(name, "tables/t" + t + "/part-" + p + ".parquet", "table " + t + " part " + p);
      }
      put(name, "tables/t" + t + "/_SUCCESS", "");
    }
    put(name, "top.txt", "at the root");
    put(name, "docs/a b#1.txt", "odd key");
    byte[] big = new byte[3 << 20];
    new Random(3).nextBytes(big);
    emulator.putObject(name, "main", "big/blob.bin", big, "application/octet-stream", Map.of());
    emulator.commit(name, "main", "first");
    return name;
  }

  /** The commit at the HEAD of {@code repo}'s main branch now. */
  private String headOf(String repo) {
    try (LakeFsClient client = LakeFsClient.create(config)) {
      return client.resolveBranch(repo, "main");
    }
  }

  private static void put(String repo, String path, String content) throws IOException {
    emulator.putObject(
        repo, "main", path, content.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
  }

  private SparkExporter.Builder exporter(String repo, Path dest) {
    return SparkExporter.builder()
        .spark(spark)
        .lakeFs(config)
        .repository(repo)
        .destination(dest.toUri().toString())
        .storageSettings(settings)
        .concurrency(4)
        .partitions(3)
        // The 3 MiB blob goes in six part tasks spread over the executors.
        .multipartThreshold(1 << 20)
        .partSize(512 << 10);
  }

  private static Map<String, Long> tree(Path dir) throws IOException {
    var files = new TreeMap<String, Long>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(p).toString();
        if (!rel.startsWith("EXPORT_")) {
          files.put(rel, Files.size(p));
        }
      }
    }
    return files;
  }

  @Test
  void sameTreeAndStatusCountsAsTheStandaloneExporter() throws IOException {
    String repo = repository("same");
    Path viaSpark = out.resolve("spark");
    Path viaCore = out.resolve("core");
    ExportResult sparkResult = exporter(repo, viaSpark).build().exportAllFromBranch("main");
    ExportResult coreResult;
    try (Exporter core =
        Exporter.builder()
            .lakeFs(LakeFsClient.create(config))
            .repository(repo)
            .destination(viaCore.toUri().toString())
            .storage(storage)
            .build()) {
      coreResult = core.exportAllFromBranch("main");
    }
    assertThat(sparkResult.succeeded()).as(sparkResult.failures().toString()).isTrue();
    // Local to local: every copy is a file copy, the 3 MiB blob above the threshold too.
    for (var strategy : CopyStrategy.values()) {
      assertThat(sparkResult.copiedBy(strategy))
          .as(strategy.toString())
          .isEqualTo(coreResult.copiedBy(strategy));
    }
    assertThat(sparkResult.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(18);
    assertThat(tree(viaSpark)).isEqualTo(tree(viaCore)).hasSize(18);
    assertThat(Files.readAllBytes(viaSpark.resolve("big/blob.bin")))
        .isEqualTo(Files.readAllBytes(viaCore.resolve("big/blob.bin")));
    JsonNode sparkStatus =
        new ObjectMapper()
            .readTree(viaSpark.resolve("EXPORT_" + sparkResult.commitId() + "_SUCCESS").toFile());
    JsonNode coreStatus =
        new ObjectMapper()
            .readTree(viaCore.resolve("EXPORT_" + coreResult.commitId() + "_SUCCESS").toFile());
    assertThat(sparkStatus.get("totals")).isEqualTo(coreStatus.get("totals"));
    assertThat(sparkStatus.get("rounds").get(1).get("copied").asLong()).isEqualTo(3);
    long markers = Files.getLastModifiedTime(viaSpark.resolve("tables/t0/_SUCCESS")).toMillis();
    for (int p = 0; p < 4; p++) {
      assertThat(
              Files.getLastModifiedTime(viaSpark.resolve("tables/t0/part-" + p + ".parquet"))
                  .toMillis())
          .isLessThanOrEqualTo(markers);
    }
  }

  @Test
  void manyPartitionsSplitTheListingBelowTheTopLevelAndExportTheSameTree() throws IOException {
    String repo = repository("deep");
    Path few = out.resolve("few");
    Path many = out.resolve("many");
    assertThat(exporter(repo, few).build().exportAllFromBranch("main").succeeded()).isTrue();
    // 16 partitions: tables/ is listed as its three tables, each by its own task.
    LakeFsClient client = LakeFsClient.create(config);
    try {
      String head = client.resolveBranch(repo, "main");
      assertThat(ListingSplit.of(client, repo, head, 16, 100))
          .contains(new ListingSplit("tables/t0/", true), new ListingSplit("tables/t2/", true));
    } finally {
      client.close();
    }
    ExportResult result = exporter(repo, many).partitions(16).build().exportAllFromBranch("main");
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.copied()).isEqualTo(18);
    assertThat(tree(many)).isEqualTo(tree(few)).hasSize(18);
  }

  /** The highest value each named accumulator reached in the stages seen, as the UI shows. */
  /** What the tasks added to each named accumulator, summed as the UI's task tables show it. */
  static final class Accumulables extends SparkListener {
    final Map<String, Long> values = new ConcurrentHashMap<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
      var it = task.taskInfo().accumulables().iterator();
      while (it.hasNext()) {
        var info = it.next();
        if (info.name().isDefined()
            && info.name().get().startsWith("lakeFS export")
            && info.update().isDefined()) {
          values.merge(
              info.name().get(), Long.parseLong(String.valueOf(info.update().get())), Long::sum);
        }
      }
    }
  }

  @Test
  void progressCountsEveryActionItsWorkerThreadsFinishAtOnce() throws Exception {
    var progress = ExportAccumulators.register(spark.sparkContext(), "threads");
    var copied = ActionOutcome.copied(Action.copyOf("k", 3, 1), CopyStrategy.STREAM, 3, 1, "");
    var pool = Executors.newFixedThreadPool(8);
    try {
      var done = new ArrayList<Future<?>>();
      for (int t = 0; t < 8; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    progress.actionFinished(copied);
                  }
                }));
      }
      for (var f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(progress.copied()).isEqualTo(160_000);
    assertThat(progress.bytes()).isEqualTo(480_000);
  }

  @Test
  void progressShowsAsNamedAccumulatorsOnTheSparkUi() throws Exception {
    String repo = repository("progress");
    var seen = new Accumulables();
    spark.sparkContext().addSparkListener(seen);
    try {
      ExportResult result = exporter(repo, out.resolve("p")).build().exportAllFromBranch("main");
      assertThat(result.succeeded()).isTrue();
      String copied = "lakeFS export of " + repo + ": objects copied";
      long deadline = System.nanoTime() + 10_000_000_000L;
      // Task events reach listeners on Spark's own thread, a moment after the job.
      while (seen.values.getOrDefault(copied, 0L) < result.copied()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(seen.values)
          .containsEntry(copied, 18L)
          .containsEntry("lakeFS export of " + repo + ": bytes copied", result.bytes());
      assertThat(seen.values.getOrDefault("lakeFS export of " + repo + ": actions failed", 0L))
          .isZero();
    } finally {
      spark.sparkContext().removeSparkListener(seen);
    }
  }

  @Test
  void aDiffFromACommitTheDestinationDoesNotHoldIsRefusedAsTheStandaloneOneIs() throws IOException {
    String repo = repository("unheld");
    String first = headOf(repo);
    put(repo, "tables/t2/part-9.parquet", "new");
    String second = emulator.commit(repo, "main", "second");
    Path dest = Files.createDirectories(out.resolve("unheld"));
    assertThatThrownBy(() -> exporter(repo, dest).build().exportFrom("main", first))
        .isInstanceOf(PreviousExportMissingException.class)
        .hasMessageStartingWith("file://" + dest)
        .hasMessageContaining(" holds no status file of an earlier export")
        .hasMessageContaining("Export commit " + second + " in full first");
    assertThat(dest).isEmptyDirectory();
    ExportResult planned = exporter(repo, dest).dryRun(true).build().exportFrom("main", first);
    assertThat(planned.failedOrWouldFail()).isTrue();
    assertThat(planned.error())
        .startsWith("a run now would be refused: file://" + dest)
        .contains(" holds no status file of an earlier export");
    assertThat(
            exporter(repo, dest)
                .checkPreviousExport(false)
                .build()
                .exportFrom("main", first)
                .succeeded())
        .isTrue();
    assertThat(tree(dest)).containsOnlyKeys("tables/t2/part-9.parquet");
  }

  /**
   * As the standalone exporter: a diff retried after an attempt failed part-way, the branch moved
   * on, runs from the attempt's commit too, and the destination ends as the HEAD.
   */
  @Test
  void aDiffRetriedAfterAFailedAttemptEndsAsTheHead() throws IOException {
    String repo = repository("retried");
    String first = headOf(repo);
    Path dest = out.resolve("retried");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    put(repo, "tables/t9/k7.parquet", "added, then removed");
    String longKey = "logs/" + "l".repeat(300) + ".txt";
    put(repo, longKey, "a name no filesystem takes");
    emulator.commit(repo, "main", "second");
    assertThat(exporter(repo, dest).build().exportFrom("main", first).succeeded()).isFalse();
    assertThat(dest.resolve("tables/t9/k7.parquet")).exists();
    emulator.deleteObject(repo, "main", "tables/t9/k7.parquet");
    emulator.deleteObject(repo, "main", longKey);
    put(repo, "top.txt", "changed");
    String third = emulator.commit(repo, "main", "third");
    ExportResult retried = exporter(repo, dest).build().exportFrom("main", first);
    assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    Path whole = out.resolve("retried-whole");
    assertThat(exporter(repo, whole).build().exportAllFromCommit(third).succeeded()).isTrue();
    assertThat(tree(dest)).isEqualTo(tree(whole));
  }

  @Test
  void commitAndDiffExportsWithDeletes() throws IOException {
    String repo = repository("diffs");
    String first = headOf(repo);
    Path dest = out.resolve("d");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    emulator.deleteObject(repo, "main", "tables/t1/part-2.parquet");
    emulator.deleteObject(repo, "main", "top.txt");
    put(repo, "tables/t2/part-9.parquet", "new");
    emulator.commit(repo, "main", "second");
    ExportResult diff = exporter(repo, dest).build().exportFrom("main", first);
    assertThat(diff.succeeded()).as(diff.failures().toString()).isTrue();
    assertThat(diff.copied()).isEqualTo(1);
    assertThat(diff.deleted()).isEqualTo(2);
    assertThat(dest.resolve("tables/t1/part-2.parquet")).doesNotExist();
    assertThat(dest.resolve("top.txt")).doesNotExist();
    assertThat(dest.resolve("tables/t2/part-9.parquet")).hasContent("new");
  }

  /**
   * A key that turns into a directory's name ({@code top.txt} removed, {@code top.txt/x} added),
   * and one that turns back ({@code docs/a b#1.txt} removed, {@code docs} added): the executors
   * delete before any copies, so each name is free when its copy comes; the same diff again finds
   * the removed keys gone already.
   */
  @Test
  void aDiffWhereAFileBecomesADirectoryAndBackSucceedsEachTime() throws IOException {
    String repo = repository("swaps");
    String first = headOf(repo);
    Path dest = out.resolve("swaps");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    emulator.deleteObject(repo, "main", "top.txt");
    put(repo, "top.txt/x", "now a directory");
    emulator.deleteObject(repo, "main", "docs/a b#1.txt");
    put(repo, "docs", "now a file");
    emulator.commit(repo, "main", "swapped");
    for (int run = 1; run <= 2; run++) {
      ExportResult diff = exporter(repo, dest).build().exportFrom("main", first);
      assertThat(diff.succeeded()).as("run %d: %s", run, diff.failures()).isTrue();
      assertThat(diff.copied()).isEqualTo(2);
      assertThat(diff.deleted()).isEqualTo(2);
      assertThat(dest.resolve("top.txt/x")).hasContent("now a directory");
      assertThat(dest.resolve("docs")).hasContent("now a file");
    }
  }

  /**
   * A diff that drops a table deletes its marker before its data: when round 1 then fails, the
   * marker is not left over a half-deleted table, and the markers' round says what it deleted.
   */
  @Test
  void aDiffDeletesTheRemovedMarkersFirstSoAFailedRoundLeavesNoneOverDeletedData()
      throws IOException {
    String repo = repository("markers-first");
    LakeFsClient client = LakeFsClient.create(config);
    String first = client.resolveBranch(repo, "main");
    Path dest = out.resolve("m");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    for (int p = 0; p < 4; p++) {
      emulator.deleteObject(repo, "main", "tables/t1/part-" + p + ".parquet");
    }
    emulator.deleteObject(repo, "main", "tables/t1/_SUCCESS");
    put(repo, "tables/t3/part-0.parquet", "its bytes go missing");
    String second = emulator.commit(repo, "main", "second");
    String address = emulator.physicalAddress(repo, second, "tables/t3/part-0.parquet");
    Files.delete(work.resolve(address.substring("local://".length())));
    client.close();

    ExportResult diff = exporter(repo, dest).build().exportFrom("main", first);
    assertThat(diff.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(dest.resolve("tables/t1/_SUCCESS")).doesNotExist();
    assertThat(dest.resolve("tables/t1/part-0.parquet")).doesNotExist();
    assertThat(diff.rounds().get(0).status()).isEqualTo(RoundSummary.Status.FAILED);
    assertThat(diff.rounds().get(0).deleted()).isEqualTo(4);
    assertThat(diff.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(diff.rounds().get(1).deleted()).isEqualTo(1);
    assertThat(diff.deleted()).isEqualTo(5);
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + second + "_FAILURE").toFile());
    assertThat(status.get("rounds").get(1).get("deleted").asLong()).isEqualTo(1);
  }

  @Test
  void aFailedRoundStopsTheNextAndLeavesAFailureFile() throws IOException {
    String repo = repository("failing");
    String head = headOf(repo);
    String address = emulator.physicalAddress(repo, head, "tables/t1/part-1.parquet");
    Files.delete(work.resolve(address.substring("local://".length())));
    Path dest = out.resolve("f");
    ExportResult result = exporter(repo, dest).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(dest.resolve("tables/t0/_SUCCESS")).doesNotExist();
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_FAILURE").toFile());
    assertThat(status.get("failures").get(0).get("key").asText())
        .isEqualTo("tables/t1/part-1.parquet");
  }

  @Test
  void aSubmittedJobThatFailsNamesTheFailedCopiesAsTheCommandLineDoes() throws IOException {
    String repo = repository("submitted-failing");
    String address = emulator.physicalAddress(repo, headOf(repo), "tables/t1/part-1.parquet");
    Files.delete(work.resolve(address.substring("local://".length())));
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code = submitMain(stdout, stderr, repo, out.resolve("sf"));
    assertThat(code).isEqualTo(1);
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .startsWith("FAILED: ")
        .contains("\n  failed copy tables/t1/part-1.parquet")
        .contains("source object missing");
  }

  /** Round 2 holds the _SUCCESS markers; listing one key breaks off, as a lakeFS error would. */
  static final class BreaksOffAt implements KeyFilter, Serializable {
    private final String key;

    BreaksOffAt(String key) {
      this.key = key;
    }

    @Override
    public int rounds() {
      return 2;
    }

    @Override
    public int roundForKey(String k) {
      if (k.equals(key)) {
        throw new IllegalStateException("listing broke off at " + k);
      }
      return k.endsWith("_SUCCESS") ? 2 : 1;
    }
  }

  @Test
  void aSparkJobThatFailsStopsTheRoundAndLeavesAFailureFile() throws IOException {
    String repo = repository("job-fails");
    String head = headOf(repo);
    Path dest = out.resolve("jf");
    ExportResult result =
        exporter(repo, dest)
            .keyFilter(new BreaksOffAt("tables/t1/part-2.parquet"))
            .build()
            .exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
    assertThat(result.error())
        .startsWith("round 1 stopped: ")
        .contains("listing broke off at tables/t1/part-2.parquet")
        .doesNotContain(config.secretAccessKey())
        .doesNotContain("\tat ");
    assertThat(result.statusFile()).endsWith("EXPORT_" + head + "_FAILURE");
    assertThat(dest.resolve("tables/t0/_SUCCESS")).as("round 2 never ran").doesNotExist();
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_FAILURE").toFile());
    assertThat(status.get("error").asText()).isEqualTo(result.error());
    assertThat(status.get("rounds").get(1).get("status").asText()).isEqualToIgnoringCase("skipped");
  }

  /**
   * lakeFS gone in the middle of a round, objects read through it: each executor's copies failed
   * one by one after their attempts, and the job ended as if they were ordinary failures. The first
   * copy that cannot reach lakeFS now stops its task, and with it the round.
   */
  @Test
  void lakeFsGoneMidRoundStopsTheRound() throws IOException {
    String repo = "lakefs-gone";
    emulator.createRepository(repo, "local://" + repo, "main");
    int objects = 120;
    for (int i = 0; i < objects; i++) {
      put(repo, String.format("data/%03d.csv", i), "row " + i);
    }
    // Copied in parts after the small objects' job, which the stop leaves out.
    emulator.putObject(
        repo, "main", "large/after.bin", new byte[2 << 20], "application/octet-stream", Map.of());
    String head = emulator.commit(repo, "main", "many");
    Path dest = out.resolve("gone");
    ExportResult result;
    try (FaultProxy doomed = FaultProxy.to(emulator.apiUrl())) {
      var reads = new AtomicInteger();
      doomed.on(
          r -> {
            if (r.target().contains("/objects?") && reads.incrementAndGet() == 5) {
              // Closed beside the request, which the proxy is serving on one of its threads.
              new Thread(() -> closeQuietly(doomed)).start();
            }
            return false;
          },
          1,
          FaultProxy.lakeFsUnavailable());
      LakeFsConfig throughProxy =
          LakeFsConfig.builder()
              .apiUrl(doomed.url() + "/api/v1")
              .accessKeyId(config.accessKeyId())
              .secretAccessKey(config.secretAccessKey())
              .build();
      // Without the blockstore path every object is read through lakeFS.
      result =
          exporter(repo, dest)
              .lakeFs(throughProxy)
              .storageSettings(Map.of())
              .concurrency(2)
              .partitions(2)
              .multipartThreshold(1 << 20)
              .build()
              .exportAllFromBranch("main");
      assertThat(result.error()).contains("through lakeFS at " + doomed.url() + "/api/v1");
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 1 stopped: the copy of 'data/")
        .contains(
            "could not reach a server the export needs, or had no answer from it, so the round took no more objects")
        .contains("the connection was refused");
    assertThat(result.failures().size()).isLessThan(objects - 5);
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_FAILURE").toFile());
    assertThat(status.get("error").asText()).isEqualTo(result.error());
    // What the stopped round did is counted: the partitions end with their counts, not failed.
    long written;
    try (Stream<Path> files = Files.list(dest.resolve("data"))) {
      written = files.count();
    }
    assertThat(written).as("copies made before lakeFS went").isPositive();
    assertThat(result.rounds().get(0).copied()).isEqualTo(written);
    assertThat(status.get("rounds").get(0).get("copied").asLong()).isEqualTo(written);
    assertThat(result.failed()).as("the copies that found lakeFS gone").isPositive();
    assertThat(result.failures())
        .as("the large object not tried")
        .noneMatch(f -> f.path().startsWith("large/"));
    assertThat(dest.resolve("large")).doesNotExist();
  }

  /** Another export's lease at the root, unexpired: refused before anything is written there. */
  @Test
  void aRootAnotherExportHoldsIsRefusedBeforeAnythingIsWritten() throws IOException {
    String repo = repository("in-use");
    Path dest = out.resolve("in-use");
    Files.createDirectories(dest);
    String others =
        "{\"run\": \"other-run\", \"repository\": \"other\", \"commit_id\": \"c0ffee\","
            + " \"host\": \"elsewhere\", \"pid\": 4242, \"started_at\":"
            + " \"2026-01-01T00:00:00Z\", \"expires_at\": \"2999-01-01T00:00:00Z\","
            + " \"exporter_version\": \"0.9\"}";
    Files.writeString(dest.resolve(DestinationLease.NAME), others);

    assertThatThrownBy(() -> exporter(repo, dest).build().exportAllFromBranch("main"))
        .isInstanceOf(DestinationInUseException.class)
        .hasMessageStartingWith(
            "the destination is in use: an export of commit c0ffee of repository 'other'");
    try (Stream<Path> left = Files.list(dest)) {
      assertThat(left).containsExactly(dest.resolve(DestinationLease.NAME));
    }
    assertThat(dest.resolve(DestinationLease.NAME)).hasContent(others);
  }

  private static void closeQuietly(FaultProxy proxy) {
    try {
      proxy.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aLargeObjectWhosePartsFailIsAbortedAndReported() throws IOException {
    String repo = repository("large-failing");
    String head = headOf(repo);
    String address = emulator.physicalAddress(repo, head, "big/blob.bin");
    Files.delete(work.resolve(address.substring("local://".length())));
    Path dest = out.resolve("lf");
    // Without the blockstore path objects are read through lakeFS: the blob goes in part tasks.
    ExportResult result =
        exporter(repo, dest).storageSettings(Map.of()).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.failures()).extracting(f -> f.path()).containsExactly("big/blob.bin");
    assertThat(result.failures().get(0).error()).contains("source object missing");
    try (Stream<Path> left = Files.list(dest.resolve("big"))) {
      assertThat(left).as("no object and no parts left behind").isEmpty();
    }
  }

  /** A job of {@code repo} at {@code head} in which every object is large: parts of 512 KiB. */
  private static JobSpec everyObjectLarge(
      String repo, String head, Location root, SourceMode sourceMode) {
    return everyObjectLarge(config, repo, head, root, sourceMode);
  }

  /** The same job, through the lakeFS {@code lakeFs} names. */
  private static JobSpec everyObjectLarge(
      LakeFsConfig lakeFs, String repo, String head, Location root, SourceMode sourceMode) {
    return new JobSpec(
        lakeFs,
        repo,
        ExportMode.BRANCH,
        head,
        null,
        new SparkFilter(),
        settings,
        root.toString(),
        "",
        "",
        false,
        4,
        512 << 10,
        1,
        sourceMode,
        false,
        List.of());
  }

  @Test
  void aPartJobThatFailsLeavesNoUploadBehind() throws IOException {
    String repo = repository("parts-fail");
    LakeFsClient client = LakeFsClient.create(config);
    String head = client.resolveBranch(repo, "main");
    Path dest = out.resolve("pf");
    Location root = Location.parse(dest.toUri().toString());
    List<Action> large;
    try (Stream<ObjectEntry> entries = client.listObjects(repo, head, "big/", false)) {
      large = entries.map(e -> Action.copy(e, 1)).toList();
    }
    JobSpec spec = everyObjectLarge(repo, head, root, SourceMode.AUTO);
    // A real Spark job whose tasks fail, as a part task past its retries or a lost executor.
    LargeObjects.PartJob failing =
        (jsc, s, tasks, slices) ->
            jsc.parallelize(tasks, slices)
                .map(
                    t -> {
                      if (t.partNumber() == 2) {
                        throw new IllegalStateException("executor lost");
                      }
                      return new PartResult(t.object(), null, "not run", "");
                    })
                .collect();
    var largeObjects = new LargeObjects(storage.storeFor(root), 512 << 10, 3, failing);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try {
      assertThatThrownBy(() -> largeObjects.copy(jsc, spec, 1, large.iterator(), client, 100))
          .hasMessageContaining("executor lost");
    } finally {
      client.close();
    }
    assertThat(large).extracting(Action::path).containsExactly("big/blob.bin");
    try (Stream<Path> left = Files.walk(dest)) {
      assertThat(left.filter(Files::isRegularFile).map(dest::relativize).map(Path::toString))
          .as("the started upload was aborted")
          .isEmpty();
    }
  }

  /** Runs part tasks here, in the driver, as one job would. */
  private static List<PartResult> copyPartsHere(JobSpec spec, List<PartTask> tasks) {
    var results = new ArrayList<PartResult>();
    ExecutorTasks.copyParts(spec, tasks.iterator(), null).forEachRemaining(results::add);
    return results;
  }

  @Test
  void largeObjectsAreCopiedInBatchesNotAllAtOnce() throws IOException {
    String repo = "many-large";
    emulator.createRepository(repo, "local://" + repo, "main");
    for (int i = 0; i < 25; i++) {
      put(repo, "many/part-" + i + ".bin", "large object " + i);
    }
    emulator.commit(repo, "main", "many");
    LakeFsClient client = LakeFsClient.create(config);
    String head = client.resolveBranch(repo, "main");
    Path dest = out.resolve("batches");
    Location root = Location.parse(dest.toUri().toString());
    JobSpec spec = everyObjectLarge(repo, head, root, SourceMode.LAKEFS);
    // The part tasks of each job, run here: what the driver holds at once is one job's.
    var jobs = new ArrayList<Integer>();
    var uploadsAtOnce = new ArrayList<Long>();
    LargeObjects.PartJob counting =
        (jsc, s, tasks, slices) -> {
          jobs.add(tasks.size());
          uploadsAtOnce.add(tasks.stream().map(PartTask::uploadId).distinct().count());
          return copyPartsHere(s, tasks);
        };
    var largeObjects = new LargeObjects(storage.storeFor(root), 512 << 10, 3, counting, 10, 1000);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PartitionOutcome outcome;
    try (Stream<ObjectEntry> entries = client.listObjects(repo, head, "many/", false)) {
      outcome =
          largeObjects.copy(
              jsc, spec, 1, entries.map(e -> Action.copy(e, 1)).iterator(), client, 100);
    } finally {
      client.close();
    }
    assertThat(outcome.copied()).isEqualTo(25);
    assertThat(outcome.failed()).isZero();
    assertThat(jobs).as("part tasks per job").containsExactly(10, 10, 5);
    assertThat(uploadsAtOnce).as("uploads open at once").allMatch(n -> n <= 10);
    assertThat(dest.resolve("many/part-24.bin")).hasContent("large object 24");
  }

  /**
   * A part that finds lakeFS gone: its task tries no further part, and the round's large objects
   * stop after the batch it was in, rather than each part of each object waiting out its attempts.
   */
  @Test
  void largeObjectsStopAfterTheBatchWhosePartsFoundAServerGone() throws IOException {
    String repo = "many-large-lakefs-gone";
    emulator.createRepository(repo, "local://" + repo, "main");
    byte[] data = new byte[(1 << 20) + 3];
    for (int i = 0; i < 20; i++) {
      emulator.putObject(
          repo, "main", "large/part-" + i + ".bin", data, "application/octet-stream", Map.of());
    }
    emulator.commit(repo, "main", "large");
    LakeFsConfig gone = lakeFsAtAClosedPort();
    Path dest = out.resolve("large-gone");
    var results = new ArrayList<PartResult>();
    PartitionOutcome outcome =
        copiedInPartsHere(gone, SourceMode.LAKEFS, repo, "large/", dest, results);
    assertThat(outcome.stopped())
        .startsWith("the copy of 'large/part-")
        .contains("could not reach a server the export needs")
        .contains(gone.apiUrl());
    assertThat(outcome.failed()).as("the first batch's objects, not the 20").isEqualTo(7);
    assertThat(outcome.copied()).isZero();
    assertThat(results).as("3 parts of 7 objects").hasSize(21);
    assertThat(results.get(0).error()).contains("the connection was refused");
    assertThat(results.subList(1, 21))
        .allSatisfy(r -> assertThat(r.error()).endsWith(": not copied"));
    try (Stream<Path> left = Files.walk(dest)) {
      assertThat(left.filter(Files::isRegularFile)).as("every upload aborted").isEmpty();
    }
  }

  @Test
  void failuresOfLargeObjectsAreKeptUpToTheirShare() throws IOException {
    String repo = "many-large-gone";
    emulator.createRepository(repo, "local://" + repo, "main");
    for (int i = 0; i < 30; i++) {
      emulator.linkObject(
          repo,
          "main",
          "gone/part-" + i + ".bin",
          "local://" + repo + "/nowhere/" + i,
          10,
          "0".repeat(32),
          "");
    }
    emulator.commit(repo, "main", "gone");
    PartitionOutcome outcome = copiedInPartsHere(repo, "gone/", out.resolve("gone"));
    assertThat(outcome.failed()).isEqualTo(30);
    assertThat(outcome.failures()).hasSize(12);
    assertThat(outcome.failuresOmitted()).isEqualTo(18);
    assertThat(outcome.failures().get(0).error()).contains("source object missing");
  }

  /**
   * The objects under {@code prefix} at the HEAD of {@code repo}'s main branch copied to {@code
   * dest} in parts of 512 KiB, read directly, by part tasks run here (7 objects a job), keeping 12
   * failures at most.
   */
  private static PartitionOutcome copiedInPartsHere(String repo, String prefix, Path dest)
      throws IOException {
    return copiedInPartsHere(config, SourceMode.AUTO, repo, prefix, dest, new ArrayList<>());
  }

  /**
   * As {@link #copiedInPartsHere(String, String, Path)}, the parts read through {@code lakeFs} as
   * {@code mode} says (the listing through the emulator still), each part's result added to {@code
   * results}.
   */
  private static PartitionOutcome copiedInPartsHere(
      LakeFsConfig lakeFs,
      SourceMode mode,
      String repo,
      String prefix,
      Path dest,
      List<PartResult> results)
      throws IOException {
    LakeFsClient client = LakeFsClient.create(config);
    String head = client.resolveBranch(repo, "main");
    Location root = Location.parse(dest.toUri().toString());
    JobSpec spec = everyObjectLarge(lakeFs, repo, head, root, mode);
    LargeObjects.PartJob local =
        (jsc, s, tasks, slices) -> {
          List<PartResult> done = copyPartsHere(s, tasks);
          results.addAll(done);
          return done;
        };
    var largeObjects = new LargeObjects(storage.storeFor(root), 512 << 10, 3, local, 7, 1000);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (Stream<ObjectEntry> entries = client.listObjects(repo, head, prefix, false)) {
      return largeObjects.copy(
          jsc, spec, 1, entries.map(e -> Action.copy(e, 1)).iterator(), client, 12);
    } finally {
      client.close();
    }
  }

  /**
   * A part task's last part reads on to the source's end: a source longer than lakeFS records (an
   * imported object rewritten where it lies) fails its object, which is not cut to the recorded
   * size.
   */
  @Test
  void aLargeSourceLongerThanRecordedFailsInItsPartTasks() throws IOException {
    String repo = "grown-large";
    emulator.createRepository(repo, "local://" + repo, "main");
    byte[] grown = new byte[(1 << 20) + 7];
    new Random(5).nextBytes(grown);
    Files.createDirectories(work.resolve(repo));
    Files.write(work.resolve(repo + "/grown.bin"), grown);
    emulator.linkObject(
        repo,
        "main",
        "big/grown.bin",
        "local://" + repo + "/grown.bin",
        1 << 20,
        "0".repeat(32),
        "");
    emulator.commit(repo, "main", "grown");
    Path dest = out.resolve("grown");
    PartitionOutcome outcome = copiedInPartsHere(repo, "big/", dest);
    assertThat(outcome.failed()).isEqualTo(1);
    // The local store's part writer reads to the end of what it is given and says so first;
    // stores whose clients read no more than a part's length leave it to the task's check.
    assertThat(outcome.failures().get(0).error()).startsWith("part 2: ").contains("more than");
    try (Stream<Path> left = Files.walk(dest)) {
      assertThat(left.filter(Files::isRegularFile)).as("no object, no part left").isEmpty();
    }
  }

  @Test
  void aStatusFileThatCannotBeWrittenThrowsWithTheResult() throws IOException {
    String repo = repository("no-status");
    String head = headOf(repo);
    Path dest = out.resolve("ns");
    // A directory, with a file in it, where the success file goes.
    Path blocking = dest.resolve("EXPORT_" + head + "_SUCCESS");
    Files.createDirectories(blocking);
    Files.writeString(blocking.resolve("keep"), "x");
    var exporter = exporter(repo, dest).build();
    assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
        .isInstanceOfSatisfying(
            StatusFileNotWrittenException.class,
            e -> {
              assertThat(e.result().status()).isEqualTo(ExportResult.Status.SUCCEEDED);
              assertThat(e.result().copied()).isEqualTo(18);
              assertThat(e.result().statusFile()).isNull();
            })
        .hasMessageContaining("'" + repo + "'")
        .hasMessageContaining(head)
        .hasMessageContaining("18 copied, 0 deleted, 0 failed")
        .hasMessageContaining(
            "status file could not be written at " + Location.parse(dest.toUri().toString()));
    assertThat(dest.resolve("top.txt")).hasContent("at the root");
  }

  @Test
  void aDestinationThatCannotBeWrittenIsRefusedBeforeAnyListing() throws IOException {
    String repo = repository("unusable");
    Path file = out.resolve("a-file");
    Files.writeString(file, "x");
    long pages = emulator.listingPagesServed();
    assertThatThrownBy(
            () ->
                exporter(repo, out)
                    .destination("https://example.invalid/export/")
                    .build()
                    .exportAllFromBranch("main"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("https://example.invalid/export/")
        .hasMessageContaining("cannot write there (it is read-only)");
    assertThatThrownBy(() -> exporter(repo, file).build().exportAllFromBranch("main"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("it is a file, not a directory");
    assertThatThrownBy(
            () -> exporter(repo, file.resolve("below")).build().exportAllFromBranch("main"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("its path goes through " + file + ", which is a file");
    assertThat(emulator.listingPagesServed()).as("nothing was listed").isEqualTo(pages);
    assertThat(file).hasContent("x");
  }

  @Test
  void theRepositorysStorageNamespaceIsKeptOutOfTheExport() throws IOException {
    String repo = "namespaced";
    emulator.createRepository(repo, "local://lakes/" + repo, "main");
    put(repo, "a.txt", "a");
    put(repo, repo + "/b.txt", "b");
    byte[] big = new byte[3 << 20];
    emulator.putObject(repo, "main", repo + "/big.bin", big, "application/octet-stream", Map.of());
    emulator.commit(repo, "main", "first");
    Path root = work.resolve("lakes");
    Path namespace = root.resolve(repo);
    Map<String, Long> lakeFsFiles = tree(namespace);

    Path inside = namespace.resolve("export");
    assertThatThrownBy(() -> exporter(repo, inside).build().exportAllFromBranch("main"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("storage namespace of repository '" + repo + "'");
    assertThat(inside).doesNotExist();

    // Below a root that holds the namespace, executors refuse its keys, the large one's parts
    // included, and export the rest.
    ExportResult result = exporter(repo, root).build().exportAllFromBranch("main");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.copied()).isEqualTo(1);
    assertThat(root.resolve("a.txt")).hasContent("a");
    assertThat(result.failures())
        .extracting(ActionOutcome::path)
        .containsExactlyInAnyOrder(repo + "/b.txt", repo + "/big.bin");
    assertThat(result.failures())
        .allSatisfy(f -> assertThat(f.error()).contains("is in the storage namespace"));
    assertThat(tree(namespace)).isEqualTo(lakeFsFiles);
  }

  @Test
  void anUnknownStorageSettingIsRefusedUnlessItCameWithTheHadoopConfiguration() {
    var typo = new HashMap<>(settings);
    typo.put("local.fsinc", "true");
    assertThatThrownBy(() -> exporter("repo", out).storageSettings(typo).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "unknown setting 'local.fsinc': the local module has no such key; closest:"
                + " local.fsync");
    // A Hadoop configuration carries every library's keys: a stray one is logged, not refused.
    var hadoop = spark.sparkContext().hadoopConfiguration();
    var keys =
        Map.of(
            "local.fsinc",
            "true",
            LakeFsConfig.API_URL_KEY,
            config.apiUrl(),
            LakeFsConfig.ACCESS_KEY_KEY,
            config.accessKeyId(),
            LakeFsConfig.SECRET_KEY_KEY,
            config.secretAccessKey());
    keys.forEach(hadoop::set);
    try {
      assertThat(exporter("repo", out).fromHadoopConfiguration().build()).isNotNull();
    } finally {
      keys.keySet().forEach(hadoop::unset);
    }
  }

  /** Takes its time over each key, so that an export is still listing when it is interrupted. */
  static final class Slow implements KeyFilter, Serializable {
    @Override
    public int rounds() {
      return 2;
    }

    @Override
    public int roundForKey(String k) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return k.endsWith("_SUCCESS") ? 2 : 1;
    }
  }

  @Test
  void anInterruptedExportCancelsItsJobsAndLeavesAFailureFile() throws Exception {
    String repo = repository("interrupted");
    String head = headOf(repo);
    Path dest = out.resolve("int");
    var exporter = exporter(repo, dest).keyFilter(new Slow()).build();
    var result = new AtomicReference<ExportResult>();
    var thrown = new AtomicReference<Throwable>();
    var stillInterrupted = new AtomicBoolean();
    Thread export =
        new Thread(
            () -> {
              try {
                result.set(exporter.exportAllFromBranch("main"));
              } catch (Throwable t) {
                thrown.set(t);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    export.start();
    var tracker = spark.sparkContext().statusTracker();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (tracker.getActiveJobIds().length == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(tracker.getActiveJobIds()).as("round 1 is running").isNotEmpty();
    Thread.sleep(300);
    export.interrupt();
    export.join(30_000);
    assertThat(export.isAlive()).isFalse();
    assertThat(thrown.get()).isNull();
    assertThat(stillInterrupted).isTrue();
    assertThat(result.get().status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.get().error()).isEqualTo("round 1 stopped: the export was interrupted");
    assertThat(result.get().rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
    // The cancelled tasks are interrupted: they end within moments, not after their listing.
    deadline = System.nanoTime() + 3_000_000_000L;
    while (tracker.getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(tracker.getActiveJobIds()).as("no job left running").isEmpty();
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_FAILURE").toFile());
    assertThat(status.get("error").asText()).isEqualTo(result.get().error());
  }

  /**
   * A partition that finds lakeFS gone ends its task with what it did and why it stopped; the
   * export's tasks that start after it in the same executor take no action (each would otherwise
   * wait out its first copy's attempts), another export's run as usual.
   */
  @Test
  void aPartitionThatFindsAServerGoneStopsAndTheExportsLaterTasksTakeNoAction() throws IOException {
    String repo = repository("gone-partition");
    String head = headOf(repo);
    List<Action> actions;
    try (LakeFsClient client = LakeFsClient.create(config);
        Stream<ObjectEntry> entries = client.listObjects(repo, head, "tables/", false)) {
      actions = entries.map(e -> Action.copy(e, 1)).toList();
    }
    LakeFsConfig gone = lakeFsAtAClosedPort();
    String root = out.resolve("gone-partition").toUri().toString();

    // Without the blockstore path every object is read through lakeFS.
    PartitionOutcome first =
        ExecutorTasks.run(
                spec(gone, repo, head, root), 1, actions.iterator(), 5, ProgressListener.NONE, "x")
            .next();
    assertThat(first.stopped())
        .contains("could not reach a server the export needs")
        .contains(gone.apiUrl());
    assertThat(first.failed()).isPositive();
    assertThat(first.copied()).isZero();

    var taken = new AtomicInteger();
    Iterator<Action> counted = actions.stream().peek(a -> taken.incrementAndGet()).iterator();
    PartitionOutcome later =
        ExecutorTasks.run(spec(config, repo, head, root), 1, counted, 5, ProgressListener.NONE, "x")
            .next();
    assertThat(later.stopped()).isEqualTo(first.stopped());
    assertThat(taken).as("actions taken after the export stopped").hasValue(0);
    assertThat(later.copied() + later.failed()).isZero();

    PartitionOutcome another =
        ExecutorTasks.run(
                spec(config, repo, head, root),
                1,
                actions.iterator(),
                5,
                ProgressListener.NONE,
                "y")
            .next();
    assertThat(another.stopped()).isEmpty();
    assertThat(another.copied()).isEqualTo(actions.size());
  }

  /** lakeFS at a port nothing listens on: every connection refused. */
  private static LakeFsConfig lakeFsAtAClosedPort() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    return LakeFsConfig.builder()
        .apiUrl("http://127.0.0.1:" + closedPort + "/api/v1")
        .accessKeyId(config.accessKeyId())
        .secretAccessKey(config.secretAccessKey())
        .build();
  }

  /** A job exporting {@code repo} at {@code head} to {@code root}, objects read through lakeFS. */
  private static JobSpec spec(LakeFsConfig lakeFs, String repo, String head, String root) {
    return new JobSpec(
        lakeFs,
        repo,
        ExportMode.BRANCH,
        head,
        null,
        new SparkFilter(),
        Map.of(),
        root,
        "",
        "",
        false,
        2,
        512 << 10,
        1 << 20,
        SourceMode.AUTO,
        false,
        List.of());
  }

  @Test
  void aPartitionShipsAShareOfItsFailuresAndCountsTheRest() throws IOException {
    String repo = repository("many-failures");
    LakeFsClient client = LakeFsClient.create(config);
    String head = client.resolveBranch(repo, "main");
    List<Action> actions;
    try (Stream<ObjectEntry> entries = client.listObjects(repo, head, "tables/", false)) {
      actions = entries.map(e -> Action.copy(e, 1)).toList();
    } finally {
      client.close();
    }
    for (Action a : actions) {
      Files.delete(work.resolve(a.source().physicalAddress().substring("local://".length())));
    }
    var spec =
        new JobSpec(
            config,
            repo,
            ExportMode.BRANCH,
            head,
            null,
            new SparkFilter(),
            settings,
            out.resolve("mf").toUri().toString(),
            "",
            "",
            false,
            4,
            512 << 10,
            1 << 20,
            SourceMode.AUTO,
            false,
            List.of());
    PartitionOutcome outcome =
        ExecutorTasks.run(spec, 1, actions.iterator(), 5, ProgressListener.NONE, "test-export")
            .next();
    assertThat(outcome.failed()).isEqualTo(15);
    assertThat(outcome.failures()).hasSize(5);
    assertThat(outcome.failuresOmitted()).isEqualTo(10);
    assertThat(ExecutorTasks.failuresPerPartition(4)).isEqualTo(2500);
    assertThat(ExecutorTasks.failuresPerPartition(100_000))
        .isEqualTo(ExecutorTasks.MIN_FAILURES_PER_PARTITION);
  }

  /** Puts top.txt in a round it does not have. */
  static final class OutOfRange implements KeyFilter, Serializable {
    private final int rounds;

    OutOfRange(int rounds) {
      this.rounds = rounds;
    }

    @Override
    public int rounds() {
      return rounds;
    }

    @Override
    public int roundForKey(String k) {
      return k.equals("top.txt") ? 2 : 1;
    }

    @Override
    public String toString() {
      return "out-of-range";
    }
  }

  /**
   * Puts {@code top.txt} in round 1 the first time it is asked, round 2 the next, and so on; the
   * _SUCCESS markers in round 2. One count of calls per JVM: in local mode the executors' too.
   */
  static final class ChangesItsMind implements KeyFilter, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger ASKED = new AtomicInteger();

    @Override
    public int rounds() {
      return 2;
    }

    @Override
    public int roundForKey(String key) {
      if (key.equals("top.txt")) {
        return ASKED.getAndIncrement() % 2 == 0 ? 1 : 2;
      }
      return key.endsWith("_SUCCESS") ? 2 : 1;
    }

    @Override
    public String toString() {
      return "changes-its-mind";
    }
  }

  /**
   * Each round lists the commit again and asks the key filter again: one that gives a key another
   * round the second time fails the round that finds out, before it copies, as the standalone
   * exporter does, rather than copy the object twice (or, the other way round, never).
   */
  @Test
  void aKeyFilterThatChangesItsMindFailsTheRoundThatFindsOut() throws IOException {
    String repo = repository("changes-its-mind");
    String head = headOf(repo);
    Path dest = out.resolve("mind");
    ChangesItsMind.ASKED.set(0);
    ExportResult result =
        exporter(repo, dest).keyFilter(new ChangesItsMind()).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.SUCCEEDED, RoundSummary.Status.FAILED);
    assertThat(result.error())
        .isEqualTo(
            "round 2 stopped: the commit was counted with 3 actions in it, but 4 when it ran;"
                + " key filter changes-its-mind must give each key the same round every time it"
                + " is asked");
    assertThat(result.rounds().get(1).copied()).isZero();
    assertThat(dest.resolve("tables/t0/_SUCCESS")).doesNotExist();
    assertThat(dest.resolve("EXPORT_" + head + "_FAILURE")).exists();
  }

  /**
   * Swaps {@code top.txt} (round 1 when first asked) and {@code tables/t0/_SUCCESS} (round 2 when
   * first asked) each time they are asked again: every round keeps its count.
   */
  static final class Swaps implements KeyFilter, Serializable {
    private static final long serialVersionUID = 1L;
    static final Map<String, AtomicInteger> ASKED = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public int rounds() {
      return 2;
    }

    @Override
    public int roundForKey(String key) {
      if (key.equals("top.txt") || key.equals("tables/t0/_SUCCESS")) {
        boolean first =
            ASKED.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement() % 2 == 0;
        return first == key.equals("top.txt") ? 1 : 2;
      }
      return key.endsWith("_SUCCESS") ? 2 : 1;
    }

    @Override
    public String toString() {
      return "swaps";
    }
  }

  @Test
  void aKeyFilterThatSwapsTwoKeysBetweenRoundsIsFoundOutBeforeTheRoundCopies() throws IOException {
    String repo = repository("swapped-keys");
    String head = headOf(repo);
    Path dest = out.resolve("swapped-keys");
    Swaps.ASKED.clear();
    ExportResult result =
        exporter(repo, dest).keyFilter(new Swaps()).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.SUCCEEDED, RoundSummary.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 2 stopped: the commit was counted with other keys in this round than")
        .endsWith(
            " it listed when it ran; key filter swaps must give each key the same round every"
                + " time it is asked");
    assertThat(result.rounds().get(1).copied()).isZero();
    assertThat(dest.resolve("tables/t0/_SUCCESS")).doesNotExist();
    assertThat(dest.resolve("EXPORT_" + head + "_FAILURE")).exists();
  }

  /**
   * The driver lists the commit's first levels for the splits: a lakeFS that fails there fails
   * round 1 as it would on an executor, with a failure file, and the stale success file of an
   * earlier export of the commit goes.
   */
  @Test
  void aListingThatFailsOnTheDriverLeavesAFailureFile() throws IOException {
    String repo = repository("driver-listing");
    String head = headOf(repo);
    Path dest = out.resolve("driver-listing");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("EXPORT_" + head + "_SUCCESS"), "{}");
    emulator.failListingPage(1);
    ExportResult result = exporter(repo, dest).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
    assertThat(result.error()).startsWith("round 1 stopped: ").contains("500");
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_FAILURE").toFile());
    assertThat(status.get("error").asText()).isEqualTo(result.error());
    assertThat(dest.resolve("EXPORT_" + head + "_SUCCESS")).doesNotExist();
  }

  @Test
  void aKeyPutOutsideTheRoundsFailsTheExport() throws IOException {
    String repo = repository("out-of-range");
    String head = headOf(repo);
    Path dest = out.resolve("oor");
    ExportResult result =
        exporter(repo, dest).keyFilter(new OutOfRange(1)).build().exportAllFromBranch("main");
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .isEqualTo(
            "round 1 stopped: key filter out-of-range put 'top.txt' in round 2, outside 1..1");
    assertThat(dest.resolve("EXPORT_" + head + "_FAILURE")).exists();
    assertThat(dest.resolve("EXPORT_" + head + "_SUCCESS")).doesNotExist();
  }

  @Test
  void aKeyFilterWithoutRoundsIsRefused() {
    assertThatThrownBy(() -> exporter("any", out).keyFilter(new OutOfRange(0)).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("key filter out-of-range has no rounds");
  }

  /** Not serializable: it holds the test's builder, as an inner class of user code may. */
  private static final class HoldsABuilder implements KeyFilter, Serializable {
    private static final long serialVersionUID = 1L;
    private final Object builder = SparkExporter.builder();

    @Override
    public int rounds() {
      return 1;
    }

    @Override
    public int roundForKey(String key) {
      return 1;
    }

    @Override
    public String toString() {
      return "holds-a-builder";
    }
  }

  /**
   * What the standalone exporter's builder refuses before anything is asked, this one refuses too,
   * in the same words; and a filter Spark could not send to the executors.
   */
  @Test
  void theBuilderRefusesWhatTheStandaloneOneRefusesAndAFilterThatDoesNotSerialize() {
    assertThatThrownBy(() -> SparkExporter.builder().build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "exporter settings missing: Spark (Builder.spark), lakeFS (Builder.lakeFs or"
                + " Builder.fromHadoopConfiguration), repository (Builder.repository), destination"
                + " root (Builder.destination)");
    assertThatThrownBy(() -> exporter(" ", out).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("repository name is empty");
    assertThatThrownBy(() -> exporter("any", out).partitions(-3))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("partitions must be positive (or 0: Spark's default parallelism), not -3");
    assertThatThrownBy(() -> exporter("any", out).keyFilter(new OutOfRange(100_001)).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("key filter out-of-range has 100001 rounds; at most 100000");
    assertThatThrownBy(() -> exporter("any", out).keyFilter(new HoldsABuilder()).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessageStartingWith("key filter holds-a-builder does not serialize")
        .hasMessageContaining(SparkExporter.Builder.class.getName())
        .hasMessageEndingWith("make it and its fields Serializable");
    SparkExporter exporter = exporter("any", out).build();
    assertThatThrownBy(() -> exporter.exportAllFromBranch(null))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("branch is empty");
    assertThatThrownBy(() -> exporter.exportFrom("main", null))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("previous commit id is empty");
    assertThatThrownBy(() -> exporter.exportAllFromCommit(""))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("commit id is empty");
  }

  @Test
  void executorsReadThroughLakeFsInTheLakefsSourceMode() throws IOException {
    String repo = repository("through-lakefs");
    Path dest = out.resolve("through");
    ExportResult result =
        exporter(repo, dest).sourceMode(SourceMode.LAKEFS).build().exportAllFromBranch("main");
    assertThat(result.succeeded()).as(result.failures() + result.error()).isTrue();
    assertThat(result.copied()).isEqualTo(18);
    // Not the files behind the commit, which the destination's store could copy by itself.
    assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isZero();
    assertThat(result.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    assertThat(dest.resolve("big/blob.bin")).hasSize(3 << 20);
    assertThatThrownBy(() -> exporter(repo, dest).sourceMode(SourceMode.PRESIGNED))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("presigned source mode is not offered on Spark");
  }

  /**
   * Submitted again with --skip-identical, the job copies only the file changed at the destination:
   * executors find the small objects there, the driver the large one, which then starts no
   * multipart upload.
   */
  @Test
  void aJobSubmittedAgainSkippingIdenticalObjectsCopiesOnlyWhatChanged() throws IOException {
    String repo = repository("again");
    Path dest = out.resolve("again");
    ExportResult first =
        exporter(repo, dest).sourceMode(SourceMode.LAKEFS).build().exportAllFromBranch("main");
    assertThat(first.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    Files.writeString(dest.resolve("top.txt"), "at the ROOT");
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code = submitMain(stdout, stderr, repo, dest, "--source-mode=lakefs", "--skip-identical");
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .startsWith("SUCCEEDED: 18 copied (17 of them there already), 0 deleted, 0 failed");
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + headOf(repo) + "_SUCCESS").toFile());
    assertThat(status.get("totals").get("bytes").asLong()).isEqualTo("at the root".length());
    long alreadyThere = 0;
    long inParts = 0;
    for (JsonNode round : status.get("rounds")) {
      alreadyThere += round.get("copied_by").get("already-there").asLong();
      inParts += round.get("copied_by").get("parallel-parts").asLong();
    }
    assertThat(alreadyThere).isEqualTo(17);
    assertThat(inParts).isZero();
    assertThat(dest.resolve("top.txt")).hasContent("at the root");
  }

  /**
   * A dry run skipping identical objects has the executors look each copy up at the destination,
   * the large object's too, and says what a run would copy; nothing is written.
   */
  @Test
  void aDryRunSkippingIdenticalObjectsSaysWhatIsThereAlready() throws IOException {
    String repo = repository("dry-again");
    Path dest = out.resolve("dry-again");
    assertThat(exporter(repo, dest).build().exportAllFromBranch("main").succeeded()).isTrue();
    Files.writeString(dest.resolve("top.txt"), "at the ROOT");
    ExportResult dry =
        exporter(repo, dest).skipIdentical(true).dryRun(true).build().exportAllFromBranch("main");
    assertThat(dry.status()).isEqualTo(ExportResult.Status.PLANNED);
    assertThat(dry.copied()).isEqualTo(18);
    assertThat(dry.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(17);
    assertThat(dry.bytes()).isEqualTo("at the root".length());
    assertThat(dry.failed()).isZero();
    assertThat(dest.resolve("top.txt")).hasContent("at the ROOT");
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code = submitMain(stdout, stderr, repo, dest, "--skip-identical", "--dry-run");
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .containsPattern("round \\d: 1 to copy \\(11 B\\), \\d+ there already")
        .contains("nothing was written");
    assertThat(dest.resolve("top.txt")).hasContent("at the ROOT");
  }

  @Test
  void optionsAreRefusedInTheStandaloneExportersRangesAndWords() {
    var builder = SparkExporter.builder();
    // Each task copies with that many threads: a Spark job takes no more than a standalone one.
    assertThatThrownBy(() -> builder.concurrency(1025))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("concurrency must be 1..1024, not 1025");
    assertThatThrownBy(() -> builder.concurrency(0))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("concurrency must be 1..1024, not 0");
    assertThatThrownBy(() -> builder.partSize(0))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("part size must be positive, not 0");
    assertThatThrownBy(() -> builder.multipartThreshold(0))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("multipart threshold must be positive, not 0");
    builder.concurrency(1024).partSize(1).multipartThreshold(1);
  }

  @Test
  void aDryRunCountsWithoutWriting() throws IOException {
    String repo = repository("dry");
    Path dest = out.resolve("dry");
    var jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup("callers-group", "the caller's own jobs", false);
    ExportResult result;
    try {
      result = exporter(repo, dest).dryRun(true).build().exportAllFromBranch("main");
      assertThat(jsc.getLocalProperty("spark.jobGroup.id"))
          .as("the caller's job group is theirs again")
          .isEqualTo("callers-group");
      assertThat(jsc.getLocalProperty("spark.job.description")).isEqualTo("the caller's own jobs");
    } finally {
      jsc.clearJobGroup();
    }
    assertThat(result.status()).isEqualTo(ExportResult.Status.PLANNED);
    assertThat(result.plan().copies()).isEqualTo(18);
    assertThat(dest).doesNotExist();
  }

  /**
   * A diff takes down a marker it rewrites before round 1 changes the data under it: when round 1
   * then fails (a key a filesystem refuses), round 2 is skipped and no marker stands over the
   * half-rewritten table, the previous commit's least of all.
   */
  @Test
  void aDiffTakesDownAMarkerItRewritesBeforeRoundOne() throws IOException {
    String repo = "takedown";
    emulator.createRepository(repo, "local://" + repo, "main");
    put(repo, "t/part-0.parquet", "a0");
    put(repo, "t/_SUCCESS", "");
    String first = emulator.commit(repo, "main", "table a");
    put(repo, "t/part-0.parquet", "b0");
    put(repo, "t/up/../x", "refused");
    put(repo, "t/_SUCCESS", "{\"v\":2}");
    emulator.commit(repo, "main", "table b, and a key a filesystem refuses");
    Path dest = out.resolve("takedown");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    assertThat(dest.resolve("t/_SUCCESS")).exists();
    ExportResult diff = exporter(repo, dest).build().exportFrom("main", first);
    assertThat(diff.succeeded()).isFalse();
    assertThat(diff.failures()).extracting(ActionOutcome::path).containsExactly("t/up/../x");
    assertThat(diff.deleted()).as("a takedown is no delete").isZero();
    assertThat(diff.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(dest.resolve("t/part-0.parquet")).hasContent("b0");
    assertThat(dest.resolve("t/_SUCCESS")).doesNotExist();
  }

  /**
   * Skipping identical objects, a diff run again leaves up a marker that is the commit's already:
   * the same file, never taken down and written back.
   */
  @Test
  void aDiffRunAgainSkippingIdenticalObjectsLeavesUpAMarkerThatIsTheCommitsAlready()
      throws IOException {
    String repo = "takedown-again";
    emulator.createRepository(repo, "local://" + repo, "main");
    put(repo, "t/part-0.parquet", "a0");
    put(repo, "t/_SUCCESS", "");
    String first = emulator.commit(repo, "main", "table a");
    put(repo, "t/part-0.parquet", "b0");
    put(repo, "t/_SUCCESS", "{\"v\":2}");
    emulator.commit(repo, "main", "table b");
    Path dest = out.resolve("takedown-again");
    Path marker = dest.resolve("t/_SUCCESS");
    assertThat(exporter(repo, dest).build().exportAllFromCommit(first).succeeded()).isTrue();
    assertThat(exporter(repo, dest).skipIdentical(true).build().exportFrom("main", first).copied())
        .isEqualTo(2);
    Object written = Files.readAttributes(marker, BasicFileAttributes.class).fileKey();
    assertThat(written).as("a file system that tells files apart").isNotNull();

    ExportResult again = exporter(repo, dest).skipIdentical(true).build().exportFrom("main", first);
    assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
    assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(2);
    assertThat(Files.readAttributes(marker, BasicFileAttributes.class).fileKey())
        .as("the same file")
        .isEqualTo(written);
    assertThat(marker).hasContent("{\"v\":2}");
  }

  /**
   * A dry run that looks nothing up still names the copies a run would refuse before sending
   * anything (here a key a filesystem cannot hold as named), as the standalone dry run does, and
   * spark-submit exits 1 for them.
   */
  @Test
  void aDryRunNamesTheCopiesARunWouldRefuseUnsent() throws IOException {
    String repo = "dry-refused";
    emulator.createRepository(repo, "local://" + repo, "main");
    put(repo, "fine.txt", "fine");
    put(repo, "up/../x", "refused");
    emulator.commit(repo, "main", "a key a filesystem refuses");
    Path dest = out.resolve("dry-refused");
    ExportResult dry = exporter(repo, dest).dryRun(true).build().exportAllFromBranch("main");
    assertThat(dry.status()).isEqualTo(ExportResult.Status.PLANNED);
    assertThat(dry.copied()).isEqualTo(1);
    assertThat(dry.bytes()).isEqualTo("fine".length());
    assertThat(dry.failed()).isEqualTo(1);
    assertThat(dry.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("up/../x");
              assertThat(f.error()).startsWith("refused key 'up/../x': a '..' segment");
            });
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code = submitMain(stdout, stderr, repo, dest, "--dry-run");
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(1);
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("1 copies would fail")
        .contains("would fail: copy up/../x: refused key 'up/../x'");
    assertThat(dest).doesNotExist();
  }

  /** A dry run onto a root another export holds sizes the export and says a run is refused. */
  @Test
  void aDryRunOntoARootAnotherExportHoldsSaysARunWouldBeRefused() throws IOException {
    String repo = "dry-held";
    emulator.createRepository(repo, "local://" + repo, "main");
    put(repo, "a.txt", "a");
    emulator.commit(repo, "main", "one object");
    Path dest = Files.createDirectories(out.resolve("dry-held"));
    Files.writeString(
        dest.resolve("EXPORT_RUNNING"),
        "{\"run\": \"r1\", \"repository\": \"other\", \"commit_id\": \"c1\", \"host\":"
            + " \"elsewhere\", \"machine\": \"\", \"pid\": 7, \"started_at\":"
            + " \"2026-11-28T21:00:00Z\", \"expires_at\": \"2999-01-01T00:00:00Z\","
            + " \"exporter_version\": \"0.9\"}");
    ExportResult dry = exporter(repo, dest).dryRun(true).build().exportAllFromBranch("main");
    assertThat(dry.status()).isEqualTo(ExportResult.Status.PLANNED);
    assertThat(dry.copied()).isEqualTo(1);
    assertThat(dry.error())
        .startsWith(
            "a run now would be refused: the destination is in use: an export of commit c1");
    assertThat(dry.failedOrWouldFail()).isTrue();
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code = submitMain(stdout, stderr, repo, dest, "--dry-run");
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(1);
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("  a run now would be refused: the destination is in use");
    try (var left = Files.list(dest)) {
      assertThat(left).containsExactly(dest.resolve("EXPORT_RUNNING"));
    }
  }

  /**
   * {@link #submit} of the HEAD of {@code repo}'s main branch to {@code dest}, in the partitions
   * and parts {@link #exporter} gives, with {@code options} besides.
   */
  private static int submitMain(
      ByteArrayOutputStream out,
      ByteArrayOutputStream err,
      String repo,
      Path dest,
      String... options) {
    var args =
        new ArrayList<>(
            List.of(
                repo,
                dest.toUri().toString(),
                "--branch=main",
                "--partitions=3",
                "--part-size=512KiB",
                "--multipart-threshold=1MiB"));
    args.addAll(List.of(options));
    return submit(out, err, args.toArray(String[]::new));
  }

  /**
   * Runs {@link Main}'s export as spark-submit would, with the lakeFS and storage settings in the
   * session's Hadoop configuration (spark.hadoop.*), and returns its exit code.
   */
  private static int submit(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> keys =
        Map.of(
            LakeFsConfig.API_URL_KEY, config.apiUrl(),
            LakeFsConfig.ACCESS_KEY_KEY, config.accessKeyId(),
            LakeFsConfig.SECRET_KEY_KEY, config.secretAccessKey(),
            LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString());
    keys.forEach(hadoop::set);
    try {
      return Main.run(
          Main.parse(args),
          spark,
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      keys.keySet().forEach(hadoop::unset);
    }
  }

  @Test
  void theSubmittedJobExportsInTheRoundsItWasGiven() throws IOException {
    String repo = repository("submitted");
    Path dest = out.resolve("submitted");
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int code =
        submitMain(stdout, stderr, repo, dest, "--rounds=big/**;;**/_SUCCESS", "--concurrency=4");
    assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .startsWith("SUCCEEDED: 18 copied, 0 deleted, 0 failed; status file ");
    String head = headOf(repo);
    JsonNode status =
        new ObjectMapper().readTree(dest.resolve("EXPORT_" + head + "_SUCCESS").toFile());
    assertThat(status.get("rounds").findValuesAsText("copied")).containsExactly("1", "14", "3");
    assertThat(status.get("rounds").get(0).get("copied_by").get("server-side").asInt())
        .as("the 3 MiB blob copied as a file, not in parts")
        .isEqualTo(1);
    assertThat(dest.resolve("big/blob.bin")).hasSize(3 << 20);
  }

  @Test
  void aSubmittedDryRunPrintsItsRoundsAndWritesNothing() throws IOException {
    String repo = repository("submitted-dry");
    Path dest = out.resolve("submitted-dry");
    var stdout = new ByteArrayOutputStream();
    int code =
        submit(
            stdout,
            new ByteArrayOutputStream(),
            repo,
            dest.toString(),
            "--branch=main",
            "--rounds=;**/*.parquet",
            "--dry-run");
    assertThat(code).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("  round 1: 6 to copy (", "  round 2: 12 to copy (", "nothing was written");
    // Bytes in units, as the command line prints them: the 3 MiB blob, and 12 parts of 14 B.
    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains("  round 1: 6 to copy (3.0 MiB)", "  round 2: 12 to copy (168 B)");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aSubmittedJobsBadConfigurationExitsWith2AndAMissingRepositoryWith1() {
    var stderr = new ByteArrayOutputStream();
    assertThat(
            submit(
                new ByteArrayOutputStream(),
                stderr,
                "no-such-repo",
                "ftp://host/export",
                "--branch=main"))
        .isEqualTo(2);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("ftp");
    stderr.reset();
    assertThat(
            submit(
                new ByteArrayOutputStream(),
                stderr,
                "no-such-repo",
                out.resolve("none").toString(),
                "--branch=main"))
        .isEqualTo(1);
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .startsWith("export failed: ")
        .contains("no-such-repo");
    assertThat(out.resolve("none")).doesNotExist();
  }

  /**
   * Writes {@code data} in the blockstore directory outside any namespace, as an import's source,
   * and links {@code path} to it by its {@code local://} address.
   */
  private static Path importAt(String repo, String source, String path, byte[] data)
      throws IOException {
    Path file = work.resolve(source).resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    emulator.linkObject(
        repo, "main", path, "local://" + source + "/" + path, data.length, "", "text/plain");
    return file;
  }

  /** What tells a file apart from one rewritten over it: its contents and its inode. */
  private static String identity(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey()
        + " "
        + HexFormat.of().formatHex(Files.readAllBytes(file));
  }

  @Test
  void anImportsSourceKeepsItsObjectsInPlaceAndTheBytesEarlierCommitsRead() throws IOException {
    String repo = "imported";
    emulator.createRepository(repo, "local://" + repo, "main");
    String source = "imports-" + repo;
    byte[] large = new byte[2 << 20]; // above the 1 MiB threshold of part tasks
    new Random(7).nextBytes(large);
    Path small = importAt(repo, source, "raw/a.csv", "imported a".getBytes(StandardCharsets.UTF_8));
    Path big = importAt(repo, source, "raw/b.bin", large);
    put(repo, "raw/n.csv", "new");
    String previous = emulator.commit(repo, "main", "import");
    String smallBefore = identity(small);
    String bigBefore = identity(big);
    Path dest = work.resolve(source);

    ExportResult full = exporter(repo, dest).build().exportAllFromBranch("main");

    assertThat(full.succeeded()).as(full.failures().toString()).isTrue();
    assertThat(full.copiedBy(CopyStrategy.IN_PLACE)).isEqualTo(2);
    assertThat(identity(small)).isEqualTo(smallBefore);
    assertThat(identity(big)).isEqualTo(bigBefore);
    assertThat(dest.resolve("raw/n.csv")).hasContent("new");

    emulator.deleteObject(repo, "main", "raw/a.csv");
    byte[] edited = large.clone();
    edited[0]++;
    emulator.putObject(repo, "main", "raw/b.bin", edited, "application/octet-stream", Map.of());
    emulator.commit(repo, "main", "edit");

    ExportResult diff = exporter(repo, dest).build().exportFrom("main", previous);

    assertThat(diff.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(diff.failures())
        .extracting(f -> f.path() + " " + f.kind().label())
        .containsExactlyInAnyOrder("raw/a.csv delete", "raw/b.bin copy");
    assertThat(diff.failures())
        .allSatisfy(f -> assertThat(f.error()).contains("in commit " + previous));
    assertThat(identity(small)).isEqualTo(smallBefore);
    assertThat(identity(big)).isEqualTo(bigBefore);
  }
}
