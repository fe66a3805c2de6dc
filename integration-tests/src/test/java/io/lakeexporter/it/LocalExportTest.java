package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeexporter.DestinationInUseException;
import io.lakeexporter.ExportException;
import io.lakeexporter.ExportInterruptedException;
import io.lakeexporter.ExportResult;
import io.lakeexporter.Exporter;
import io.lakeexporter.InvalidExportException;
import io.lakeexporter.LakeFsAuthenticationException;
import io.lakeexporter.PreviousExportMissingException;
import io.lakeexporter.RefNotFoundException;
import io.lakeexporter.RepositoryNotFoundException;
import io.lakeexporter.StatusFileNotWrittenException;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.DestinationLease;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.report.ProgressListener;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.http.HttpStorageProvider;
import io.lakeexporter.testing.InterruptAfter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the lakeFS emulator, on the local filesystem. */
class LocalExportTest {

  @TempDir static Path work;
  private static LocalLakeFs lakeFs;

  @TempDir Path out;

  @BeforeAll
  static void start() throws IOException {
    lakeFs = new LocalLakeFs(work);
  }

  @AfterAll
  static void stop() throws IOException {
    lakeFs.close();
  }

  /** A repository with data, a Spark table and markers, committed once. */
  private String sparkRepository() throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "README.txt", "hello");
    lakeFs.put(repo, "tables/events/date=2024-01-01/part-00000.parquet", "p0");
    lakeFs.put(repo, "tables/events/date=2024-01-01/part-00001.parquet", "p1");
    lakeFs.put(repo, "tables/events/_SUCCESS", "");
    lakeFs.put(repo, "tables/users/part-00000.parquet", "u0");
    lakeFs.put(repo, "tables/users/_SUCCESS", "");
    lakeFs.put(repo, "tables/users/_SUCCESS.crc", "crc");
    lakeFs.emulator.commit(repo, "main", "first");
    return repo;
  }

  @Test
  void branchExportCopiesTheHeadCommitAndLeavesUncommittedObjectsOut() throws IOException {
    String repo = sparkRepository();
    lakeFs.put(repo, "uncommitted.txt", "not yet");
    String head = lakeFs.client.resolveBranch(repo, "main");
    ExportResult result;
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).isTrue();
    assertThat(result.commitId()).isEqualTo(head);
    assertThat(LocalLakeFs.tree(out))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "README.txt", "hello",
                "tables/events/date=2024-01-01/part-00000.parquet", "p0",
                "tables/events/date=2024-01-01/part-00001.parquet", "p1",
                "tables/events/_SUCCESS", "",
                "tables/users/part-00000.parquet", "u0",
                "tables/users/_SUCCESS", "",
                "tables/users/_SUCCESS.crc", "crc"));
    JsonNode status = LocalLakeFs.status(out, head, true);
    assertThat(status.get("mode").asText()).isEqualTo("branch");
    assertThat(status.get("branch").asText()).isEqualTo("main");
    assertThat(status.get("repository").asText()).isEqualTo(repo);
    assertThat(status.get("rounds").get(0).get("copied").asLong()).isEqualTo(5);
    assertThat(status.get("rounds").get(1).get("copied").asLong()).isEqualTo(2);
    assertThat(status.get("totals").get("copied").asLong()).isEqualTo(7);
    assertThat(result.bytes()).isEqualTo(5 + 2 + 2 + 2 + 3);
  }

  /**
   * Two exports to one root at once each wrote over the other's unfinished work, and each could end
   * with SUCCESS over objects of the other's commit. The second is now refused before it writes
   * anything, naming the first; the first ends as it would have alone and gives the root up.
   */
  @Test
  void aSecondExportToARootInUseIsRefusedBeforeItWritesAnything() throws Exception {
    String repo = sparkRepository();
    String first = lakeFs.client.resolveBranch(repo, "main");
    lakeFs.put(repo, "README.txt", "changed");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    var inRound2 = new CountDownLatch(1);
    var goOn = new CountDownLatch(1);
    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      Future<ExportResult> running =
          background.submit(
              () -> {
                try (Exporter exporter =
                    lakeFs
                        .exporter(repo, out)
                        .listener(
                            new ProgressListener() {
                              @Override
                              public void roundStarted(int round) {
                                if (round == 2) {
                                  inRound2.countDown();
                                  awaitQuietly(goOn);
                                }
                              }
                            })
                        .build()) {
                  return exporter.exportAllFromCommit(first);
                }
              });
      assertThat(inRound2.await(60, TimeUnit.SECONDS)).isTrue();
      try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .isInstanceOf(DestinationInUseException.class)
            .hasMessageContaining("an export of commit " + first + " of repository '" + repo)
            .hasMessageContaining("holds " + out.toUri().toString() + DestinationLease.NAME);
      }
      assertThat(out.resolve("README.txt")).as("the second wrote nothing").hasContent("hello");
      assertThat(out.resolve("EXPORT_" + second + "_FAILURE")).doesNotExist();
      goOn.countDown();
      assertThat(running.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
    } finally {
      goOn.countDown();
      background.shutdownNow();
    }
    assertThat(out.resolve(DestinationLease.NAME)).as("given up at the end").doesNotExist();
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
    }
    assertThat(out.resolve("README.txt")).hasContent("changed");
  }

  /**
   * An export whose root another took over (its lease expired while it stalled) stops before its
   * next round and writes no status file: the other's, of the same commit perhaps, would be
   * overwritten or removed as stale.
   */
  @Test
  void anExportWhoseRootWasTakenOverStopsAndWritesNoStatusFile() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    String others =
        "{\"run\": \"other-run\", \"repository\": \"other\", \"commit_id\": \"c0ffee\","
            + " \"host\": \"elsewhere\", \"pid\": 4242, \"started_at\":"
            + " \"2026-01-01T00:00:00Z\", \"expires_at\": \"2999-01-01T00:00:00Z\","
            + " \"exporter_version\": \"0.9\"}";
    ExportResult result;
    try (Exporter exporter =
        lakeFs
            .exporter(repo, out)
            .listener(
                new ProgressListener() {
                  @Override
                  public void roundFinished(RoundSummary summary) {
                    if (summary.round() == 1) {
                      try {
                        Files.writeString(out.resolve(DestinationLease.NAME), others);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }
                  }
                })
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith(
            "round 2 not started: another export took the destination over: an export of commit"
                + " c0ffee of repository 'other' (run other-run")
        .endsWith("; no status file written, as it could be the other's");
    assertThat(result.error().split("another export took", -1)).as("said once").hasSize(2);
    assertThat(result.statusFile()).isNull();
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.SUCCEEDED, RoundSummary.Status.SKIPPED);
    assertThat(out.resolve("tables/users/_SUCCESS")).as("round 2 never ran").doesNotExist();
    assertThat(out.resolve("EXPORT_" + head + "_SUCCESS")).doesNotExist();
    assertThat(out.resolve("EXPORT_" + head + "_FAILURE")).doesNotExist();
    assertThat(out.resolve(DestinationLease.NAME)).as("the other's, left").hasContent(others);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aDestinationInTheRepositorysStorageNamespaceIsRefusedBeforeAnythingIsMade()
      throws IOException {
    String repo = sparkRepository();
    Path inside = lakeFs.blockstore.resolve(repo).resolve("export");
    try (Exporter exporter = lakeFs.exporter(repo, inside).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("cannot export to " + Location.ofPath(inside))
          .hasMessageContaining(
              "the storage namespace of repository '" + repo + "' (local://" + repo + ")");
    }
    assertThat(inside).doesNotExist();
  }

  @Test
  void underARootThatHoldsTheNamespaceTheKeysThatWouldLandInItAreRefusedAndReported()
      throws IOException {
    String repo = "repo-ns-" + Long.toHexString(System.nanoTime());
    lakeFs.emulator.createRepository(repo, "local://lakes/" + repo, "main");
    Path root = lakeFs.blockstore.resolve("lakes");
    Path namespace = root.resolve(repo);
    lakeFs.put(repo, "a.txt", "a");
    lakeFs.put(repo, repo + "/b.txt", "b");
    lakeFs.put(repo, repo + "/victim.txt", "v");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    // What lakeFS keeps in its namespace must come out of both exports as it went in; one file
    // stands where a removed key's copy would be deleted.
    Files.writeString(namespace.resolve("victim.txt"), "lakeFS's own object");
    Map<String, String> lakeFsFiles = LocalLakeFs.tree(namespace);

    ExportResult full;
    try (Exporter exporter = lakeFs.exporter(repo, root).build()) {
      full = exporter.exportAllFromBranch("main");
    }
    assertThat(full.succeeded()).isFalse();
    assertThat(full.copied()).isEqualTo(1);
    assertThat(root.resolve("a.txt")).hasContent("a");
    assertThat(full.failures())
        .extracting(ActionOutcome::path)
        .containsExactlyInAnyOrder(repo + "/b.txt", repo + "/victim.txt");
    assertThat(full.failures().get(0).error())
        .contains("is in the storage namespace of repository '" + repo + "'");
    assertThat(LocalLakeFs.status(root, first, false).get("failures").size()).isEqualTo(2);
    assertThat(LocalLakeFs.tree(namespace)).isEqualTo(lakeFsFiles);

    lakeFs.emulator.deleteObject(repo, "main", repo + "/victim.txt");
    lakeFs.put(repo, "c.txt", "c");
    lakeFs.emulator.commit(repo, "main", "second");
    ExportResult diff;
    // From a failed export of the first commit, which the status file check refuses: the
    // namespace's keys are what is tested here.
    try (Exporter exporter = lakeFs.exporter(repo, root).checkPreviousExport(false).build()) {
      diff = exporter.exportFrom("main", first);
    }
    assertThat(diff.succeeded()).isFalse();
    assertThat(diff.copied()).isEqualTo(1);
    assertThat(diff.deleted()).isZero();
    assertThat(diff.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo(repo + "/victim.txt");
              assertThat(f.kind()).isEqualTo(Action.Kind.DELETE);
            });
    assertThat(namespace.resolve("victim.txt")).hasContent("lakeFS's own object");
    // lakeFS stored the new object of c.txt there meanwhile; the export added nothing.
    assertThat(LocalLakeFs.tree(namespace))
        .containsAllEntriesOf(lakeFsFiles)
        .hasSize(lakeFsFiles.size() + 1)
        .doesNotContainKey("b.txt");
  }

  @Test
  void anExporterGivenTheLakeFsSettingsExportsThroughItsOwnClient() throws IOException {
    String repo = sparkRepository();
    ExportResult result;
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(lakeFs.config(lakeFs.emulator.accessKeyId(), lakeFs.emulator.secretAccessKey()))
            .repository(repo)
            .destination(Location.ofPath(out))
            .storage(lakeFs.storage)
            .build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).isTrue();
    assertThat(result.copied()).isEqualTo(7);
  }

  @Test
  void successMarkersAreWrittenOnlyAfterEveryOtherObject() throws IOException {
    String repo = sparkRepository();
    List<ActionOutcome> order = Collections.synchronizedList(new ArrayList<>());
    ProgressListener recorder =
        new ProgressListener() {
          @Override
          public void actionFinished(ActionOutcome outcome) {
            order.add(outcome);
          }
        };
    try (Exporter exporter = lakeFs.exporter(repo, out).listener(recorder).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
    }
    assertThat(order).hasSize(7);
    int firstMarker = -1;
    for (int i = 0; i < order.size(); i++) {
      boolean marker = order.get(i).path().endsWith("/_SUCCESS");
      if (marker && firstMarker < 0) {
        firstMarker = i;
      }
      assertThat(marker).as("order %s", order).isEqualTo(firstMarker >= 0);
    }
    long latestData =
        Files.getLastModifiedTime(out.resolve("tables/users/part-00000.parquet")).toMillis();
    assertThat(Files.getLastModifiedTime(out.resolve("tables/users/_SUCCESS")).toMillis())
        .isGreaterThanOrEqualTo(latestData);
  }

  @Test
  void laterRoundsAreNotListedAgain() throws IOException {
    String withMarkers = sparkRepository();
    String withoutMarkers = lakeFs.newRepository();
    lakeFs.put(withoutMarkers, "data/part-0.parquet", "d0");
    lakeFs.put(withoutMarkers, "data/part-1.parquet", "d1");
    lakeFs.emulator.commit(withoutMarkers, "main", "no markers");
    // Each export of these small commits lists one page per pass over the commit.
    assertThat(listingPasses(withMarkers, false))
        .as("the first round's pass kept the markers for the second round")
        .isEqualTo(1);
    assertThat(LocalLakeFs.tree(out)).containsKey("tables/users/_SUCCESS");
    assertThat(listingPasses(withoutMarkers, false))
        .as("the first round's pass saw that the markers' round is empty")
        .isEqualTo(1);
    assertThat(listingPasses(withoutMarkers, true)).as("the count, then round 1").isEqualTo(2);
    assertThat(LocalLakeFs.tree(out)).containsKeys("data/part-0.parquet", "data/part-1.parquet");
  }

  private long listingPasses(String repo, boolean countFirst) throws IOException {
    long before = lakeFs.emulator.listingPagesServed();
    try (Exporter exporter = lakeFs.exporter(repo, out).countFirst(countFirst).build()) {
      ExportResult result = exporter.exportAllFromBranch("main");
      assertThat(result.succeeded()).isTrue();
      assertThat(result.rounds()).hasSize(2);
      // Counted first or tallied by the first round's pass, the plan's totals are the same.
      assertThat(result.plan().copies()).isEqualTo(result.copied());
      for (int i = 0; i < 2; i++) {
        assertThat(result.plan().rounds().get(i).copies())
            .isEqualTo(result.rounds().get(i).copied());
      }
    }
    return lakeFs.emulator.listingPagesServed() - before;
  }

  /**
   * A marker the diff rewrites goes down before round 1 rewrites the data under it, and comes back
   * in its own round: a reader waiting for it never finds the previous commit's marker over a
   * half-rewritten table. The takedown is neither counted as a delete nor shown as progress.
   */
  @Test
  void aDiffTakesDownAMarkerItRewritesBeforeTheDataUnderIt() throws IOException {
    for (boolean countFirst : new boolean[] {true, false}) {
      String repo = lakeFs.newRepository();
      lakeFs.put(repo, "t/part-0.parquet", "a0");
      lakeFs.put(repo, "t/part-1.parquet", "a1");
      lakeFs.put(repo, "t/_SUCCESS", "");
      String first = lakeFs.emulator.commit(repo, "main", "table a");
      lakeFs.put(repo, "t/part-0.parquet", "b0");
      lakeFs.put(repo, "t/part-1.parquet", "b1");
      lakeFs.put(repo, "t/_SUCCESS", "{\"v\":2}");
      lakeFs.emulator.commit(repo, "main", "table b");
      Path dest = out.resolve("takedown-" + countFirst);
      Path marker = dest.resolve("t/_SUCCESS");
      try (Exporter exporter = lakeFs.exporter(repo, dest).build()) {
        assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      }
      assertThat(marker).exists();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      ProgressListener recorder =
          new ProgressListener() {
            @Override
            public void actionFinished(ActionOutcome outcome) {
              seen.add(
                  outcome.kind().label()
                      + " "
                      + outcome.path()
                      + (outcome.path().endsWith(".parquet") && Files.exists(marker)
                          ? " under the old marker"
                          : ""));
            }
          };
      ExportResult diff;
      try (Exporter exporter =
          lakeFs.exporter(repo, dest).countFirst(countFirst).listener(recorder).build()) {
        diff = exporter.exportFrom("main", first);
      }
      assertThat(diff.succeeded()).as(diff.failures().toString()).isTrue();
      assertThat(seen)
          .as("countFirst %s", countFirst)
          .containsExactlyInAnyOrder(
              "copy t/part-0.parquet", "copy t/part-1.parquet", "copy t/_SUCCESS");
      assertThat(diff.copied()).isEqualTo(3);
      assertThat(diff.deleted()).isZero();
      assertThat(marker).hasContent("{\"v\":2}");
    }
  }

  /**
   * Skipping identical objects, the takedown looks first: a marker the destination holds in its
   * previous version still goes down before the data under it, while one that is the commit's
   * already (the diff run again after it got that far) stays up, where it went down and came back.
   */
  @Test
  void aDiffRunAgainSkippingIdenticalObjectsLeavesUpAMarkerThatIsTheCommitsAlready()
      throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "t/part-0.parquet", "a0");
    lakeFs.put(repo, "t/_SUCCESS", "");
    String first = lakeFs.emulator.commit(repo, "main", "table a");
    lakeFs.put(repo, "t/part-0.parquet", "b0");
    lakeFs.put(repo, "t/_SUCCESS", "{\"v\":2}");
    lakeFs.emulator.commit(repo, "main", "table b");
    Path dest = out.resolve("takedown-again");
    Path marker = dest.resolve("t/_SUCCESS");
    try (Exporter exporter = lakeFs.exporter(repo, dest).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
    }
    for (String run : List.of("first", "again")) {
      List<String> markerAtTheData = Collections.synchronizedList(new ArrayList<>());
      ProgressListener recorder =
          new ProgressListener() {
            @Override
            public void actionFinished(ActionOutcome outcome) {
              if (outcome.path().endsWith(".parquet")) {
                markerAtTheData.add(Files.exists(marker) ? readString(marker) : "none");
              }
            }
          };
      ExportResult diff;
      try (Exporter exporter =
          lakeFs.exporter(repo, dest).skipIdentical(true).listener(recorder).build()) {
        diff = exporter.exportFrom("main", first);
      }
      assertThat(diff.succeeded()).as(diff.failures().toString()).isTrue();
      assertThat(marker).hasContent("{\"v\":2}");
      if (run.equals("first")) {
        assertThat(markerAtTheData).as("the previous marker taken down").containsExactly("none");
        assertThat(diff.copiedBy(CopyStrategy.ALREADY_THERE)).isZero();
      } else {
        assertThat(markerAtTheData).as("the commit's marker left up").containsExactly("{\"v\":2}");
        assertThat(diff.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(2);
      }
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "none"; // removed between the look and the read
    }
  }

  /**
   * A diff that drops one table and writes another: each later round's removed keys go before
   * anything else, the last round's first, so that a reader never finds a marker (or a manifest)
   * over data that is being deleted; the new table's marker still comes last.
   */
  @Test
  void aDiffDeletesTheRemovedMarkersBeforeTheDataUnderThem() throws IOException {
    for (boolean countFirst : new boolean[] {true, false}) {
      String repo = lakeFs.newRepository();
      lakeFs.put(repo, "old/part-0.parquet", "o0");
      lakeFs.put(repo, "old/part-1.parquet", "o1");
      lakeFs.put(repo, "old/t.manifest", "m");
      lakeFs.put(repo, "old/_SUCCESS", "");
      String first = lakeFs.emulator.commit(repo, "main", "old table");
      for (String key :
          List.of("old/part-0.parquet", "old/part-1.parquet", "old/t.manifest", "old/_SUCCESS")) {
        lakeFs.emulator.deleteObject(repo, "main", key);
      }
      lakeFs.put(repo, "new/part-0.parquet", "n0");
      lakeFs.put(repo, "new/t.manifest", "m2");
      lakeFs.put(repo, "new/_SUCCESS", "");
      String second = lakeFs.emulator.commit(repo, "main", "new table");
      Path dest = out.resolve("count-" + countFirst);
      KeyFilter threeRounds = GlobRoundFilter.parse(";**/*.manifest;**/_SUCCESS");
      try (Exporter exporter = lakeFs.exporter(repo, dest).keyFilter(threeRounds).build()) {
        assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      }
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      ProgressListener recorder =
          new ProgressListener() {
            @Override
            public void actionFinished(ActionOutcome outcome) {
              order.add(outcome.kind().label() + " " + outcome.path());
            }
          };
      ExportResult diff;
      try (Exporter exporter =
          lakeFs
              .exporter(repo, dest)
              .keyFilter(threeRounds)
              .countFirst(countFirst)
              .listener(recorder)
              .build()) {
        diff = exporter.exportFrom("main", first);
      }
      assertThat(diff.succeeded()).as(diff.failures().toString()).isTrue();
      assertThat(order.subList(0, 2))
          .as("countFirst %s: %s", countFirst, order)
          .containsExactly("delete old/_SUCCESS", "delete old/t.manifest");
      assertThat(order.subList(2, 5))
          .as("countFirst %s: %s", countFirst, order)
          .containsExactlyInAnyOrder(
              "delete old/part-0.parquet", "delete old/part-1.parquet", "copy new/part-0.parquet");
      assertThat(order.subList(5, 7))
          .as("countFirst %s: %s", countFirst, order)
          .containsExactly("copy new/t.manifest", "copy new/_SUCCESS");
      assertThat(LocalLakeFs.tree(dest))
          .containsOnlyKeys("new/part-0.parquet", "new/t.manifest", "new/_SUCCESS");
      // Each round counts its own keys, wherever its deletes ran.
      JsonNode rounds = LocalLakeFs.status(dest, second, true).get("rounds");
      for (int i = 0; i < 3; i++) {
        assertThat(rounds.get(i).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(rounds.get(i).get("copied").asLong()).isEqualTo(1);
      }
      assertThat(rounds.get(0).get("deleted").asLong()).isEqualTo(2);
      assertThat(rounds.get(1).get("deleted").asLong()).isEqualTo(1);
      assertThat(rounds.get(2).get("deleted").asLong()).isEqualTo(1);
    }
  }

  /**
   * When round 1 of such a diff fails, the removed table's marker is gone already: it is not left
   * over a half-deleted table, and the markers' round, skipped, says what it deleted.
   */
  @Test
  void aDiffWhoseFirstRoundFailsLeavesNoRemovedMarkerOverDeletedData() throws IOException {
    String repo = sparkRepository();
    String first = lakeFs.client.resolveBranch(repo, "main");
    lakeFs.emulator.deleteObject(repo, "main", "tables/users/part-00000.parquet");
    lakeFs.emulator.deleteObject(repo, "main", "tables/users/_SUCCESS");
    lakeFs.put(repo, "tables/orders/part-00000.parquet", "its bytes go missing");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    String address =
        lakeFs.emulator.physicalAddress(repo, second, "tables/orders/part-00000.parquet");
    Files.delete(lakeFs.blockstore.resolve(address.substring("local://".length())));
    ExportResult diff;
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      diff = exporter.exportFrom("main", first);
    }
    assertThat(diff.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(out.resolve("tables/users/part-00000.parquet")).doesNotExist();
    assertThat(out.resolve("tables/users/_SUCCESS")).doesNotExist();
    assertThat(diff.rounds().get(0).status()).isEqualTo(RoundSummary.Status.FAILED);
    assertThat(diff.rounds().get(0).deleted()).isEqualTo(1);
    assertThat(diff.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(diff.rounds().get(1).deleted()).isEqualTo(1);
    JsonNode status = LocalLakeFs.status(out, second, false);
    assertThat(status.get("rounds").get(1).get("deleted").asLong()).isEqualTo(1);
    assertThat(status.get("totals").get("deleted").asLong()).isEqualTo(2);
  }

  /**
   * A key that turns into a directory's name ({@code a} removed, {@code a/b} added), and one that
   * turns back ({@code d/e} removed, {@code d} added): on a filesystem the removed file, or the
   * emptied directory, must be gone before the copy under its name. Exported again, the same diff
   * finds the removed keys gone already (a directory, or a file further up, in their place) and
   * succeeds too.
   */
  /**
   * Skipping identical objects, a re-run copies only what the destination lacks or holds with other
   * bytes (a file of the same size is read and hashed), and reports the rest as already there,
   * round by round.
   */
  @Test
  void skippingIdenticalObjectsAReRunCopiesOnlyWhatIsMissingOrChanged() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    Map<String, String> exported;
    try (Exporter exporter = lakeFs.exporter(repo, out).skipIdentical(true).build()) {
      ExportResult first = exporter.exportAllFromBranch("main");
      assertThat(first.succeeded()).isTrue();
      assertThat(first.copiedBy(CopyStrategy.ALREADY_THERE)).isZero();
      exported = LocalLakeFs.tree(out);
      Files.writeString(out.resolve("README.txt"), "jello");
      Files.delete(out.resolve("tables/users/part-00000.parquet"));
      Files.writeString(out.resolve("tables/events/_SUCCESS"), "x");
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copied()).isEqualTo(7);
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(4);
      assertThat(again.bytes()).isEqualTo(5 + 2);
    }
    assertThat(LocalLakeFs.tree(out)).isEqualTo(exported);
    JsonNode rounds = LocalLakeFs.status(out, head, true).get("rounds");
    assertThat(rounds.get(0).get("copied_by").get("already-there").asLong()).isEqualTo(3);
    assertThat(rounds.get(1).get("copied_by").get("already-there").asLong()).isEqualTo(1);
  }

  /**
   * A dry run skipping identical objects looks at the destination as a run would: it says, round by
   * round, how many copies are there already, how many bytes the others would move and which would
   * fail, and writes nothing. The run after it does what it said.
   */
  @Test
  void aDryRunSkippingIdenticalObjectsSaysWhatARunWouldCopyAndWritesNothing() throws IOException {
    String repo = sparkRepository();
    try (Exporter exporter = lakeFs.exporter(repo, out).skipIdentical(true).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
      lakeFs.put(repo, "sneaky/../escaped.txt", "refused on a filesystem");
      String head = lakeFs.emulator.commit(repo, "main", "a key a filesystem refuses");
      Files.writeString(out.resolve("README.txt"), "jello");
      Files.delete(out.resolve("tables/users/part-00000.parquet"));
      Files.writeString(out.resolve("tables/events/_SUCCESS"), "x");
      Map<String, String> before = LocalLakeFs.tree(out);
      ExportResult dry;
      try (Exporter dryRun = lakeFs.exporter(repo, out).skipIdentical(true).dryRun(true).build()) {
        dry = dryRun.exportAllFromBranch("main");
      }
      assertThat(dry.status()).isEqualTo(ExportResult.Status.PLANNED);
      assertThat(LocalLakeFs.tree(out)).isEqualTo(before);
      RoundSummary first = dry.rounds().get(0);
      assertThat(first.copied()).isEqualTo(5);
      assertThat(first.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(3);
      assertThat(first.bytes()).isEqualTo(5 + 2);
      assertThat(first.failed()).isEqualTo(1);
      assertThat(dry.failures())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.path()).isEqualTo("sneaky/../escaped.txt");
                assertThat(f.error()).contains("'..'");
              });
      RoundSummary second = dry.rounds().get(1);
      assertThat(second.copied()).isEqualTo(2);
      assertThat(second.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(1);
      assertThat(second.bytes()).isZero();
      // The run does what the dry run said of round 1, whose failure then stops round 2.
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.commitId()).isEqualTo(head);
      RoundSummary ran = again.rounds().get(0);
      assertThat(ran.status()).isEqualTo(RoundSummary.Status.FAILED);
      assertThat(List.of(ran.copied(), ran.copiedBy(CopyStrategy.ALREADY_THERE), ran.bytes()))
          .isEqualTo(List.of(first.copied(), first.copiedBy(CopyStrategy.ALREADY_THERE), 7L));
      assertThat(again.failures())
          .extracting(ActionOutcome::path)
          .isEqualTo(List.of("sneaky/../escaped.txt"));
      assertThat(again.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    }
  }

  /**
   * Not counted first, round 1 of a re-run lists the destination beside the commit and takes a key
   * missing from it for a key to copy: both listings must come in one order, lakeFS's (the bytes of
   * the keys' UTF-8), or objects that are there would be copied again.
   */
  @Test
  void skippingIdenticalObjectsTheDestinationsListingFindsKeysBeyondTheBasicPlane()
      throws IOException {
    String repo = lakeFs.newRepository();
    var keys = List.of("u/a", "u/\uFF01", "u/\uD83D\uDE00", "u/\uFFFD", "u/\uD83D\uDE01", "z");
    for (String key : keys) {
      lakeFs.put(repo, key, "bytes of " + key);
    }
    lakeFs.emulator.commit(repo, "main", "keys");
    try (Exporter exporter =
        lakeFs.exporter(repo, out).skipIdentical(true).countFirst(false).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
      ExportResult again = exporter.exportAllFromBranch("main");
      assertThat(again.succeeded()).as(again.failures().toString()).isTrue();
      assertThat(again.copiedBy(CopyStrategy.ALREADY_THERE)).isEqualTo(keys.size());
    }
  }

  @Test
  void aDiffWhereAFileBecomesADirectoryAndBackSucceedsEachTime() throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "a", "old a");
    lakeFs.put(repo, "d/e", "old d/e");
    lakeFs.put(repo, "tables/t/_SUCCESS", "");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    lakeFs.emulator.deleteObject(repo, "main", "a");
    lakeFs.put(repo, "a/b", "new a/b");
    lakeFs.emulator.deleteObject(repo, "main", "d/e");
    lakeFs.put(repo, "d", "new d");
    String second = lakeFs.emulator.commit(repo, "main", "swapped");
    try (Exporter exporter = lakeFs.exporter(repo, out).concurrency(1).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      for (int run = 1; run <= 2; run++) {
        ExportResult diff = exporter.exportFrom("main", first);
        assertThat(diff.succeeded()).as("run %d: %s", run, diff.failures()).isTrue();
        assertThat(diff.copied()).isEqualTo(2);
        assertThat(diff.deleted()).isEqualTo(2);
        assertThat(LocalLakeFs.tree(out))
            .as("run %d", run)
            .containsOnlyKeys("a/b", "d", "tables/t/_SUCCESS")
            .containsEntry("a/b", "new a/b")
            .containsEntry("d", "new d");
        assertThat(LocalLakeFs.status(out, second, true).get("mode").asText()).isEqualTo("diff");
      }
    }
  }

  @Test
  void aDiffFromACommitTheDestinationDoesNotHoldIsRefusedBeforeAnythingIsWritten()
      throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "t/part-0", "p0");
    lakeFs.put(repo, "t/part-1", "p1");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    lakeFs.put(repo, "t/part-2", "p2");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      // Nothing here yet: the diff alone would leave a destination of one file called second's.
      assertThatThrownBy(() -> exporter.exportFrom("main", first))
          .isInstanceOf(PreviousExportMissingException.class)
          .hasMessageStartingWith(
              Location.ofPath(out) + " holds no status file of an earlier export")
          .hasMessageContaining("commit " + first);
      assertThat(out).isEmptyDirectory(); // no object, status file or lease
      Path absent = out.resolve("not-made");
      try (Exporter elsewhere = lakeFs.exporter(repo, absent).build()) {
        assertThatThrownBy(() -> elsewhere.exportFrom("main", first))
            .isInstanceOf(PreviousExportMissingException.class);
      }
      assertThat(absent).doesNotExist();

      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      assertThat(exporter.exportFrom("main", first).succeeded()).isTrue();
    }
    lakeFs.emulator.deleteObject(repo, "main", "t/part-0");
    String third = lakeFs.emulator.commit(repo, "main", "third");
    Map<String, String> atSecond = LocalLakeFs.tree(out);
    // The destination holds second now: from first, part-2 would be "added" over itself and
    // nothing would say the destination had moved on.
    String onwards = "the newest export at " + Location.ofPath(out) + " is of commit " + second;
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThatThrownBy(() -> exporter.exportFrom("main", first))
          .isInstanceOf(PreviousExportMissingException.class)
          .hasMessageStartingWith(onwards)
          .hasMessageEndingWith("Diff from " + second + ", the commit this destination holds");
    }
    assertThat(LocalLakeFs.tree(out)).isEqualTo(atSecond);
    try (Exporter dryRun = lakeFs.exporter(repo, out).dryRun(true).build()) {
      ExportResult planned = dryRun.exportFrom("main", first);
      assertThat(planned.failedOrWouldFail()).isTrue();
      assertThat(planned.error()).startsWith("a run now would be refused: " + onwards);
    }
    assertThat(LocalLakeFs.tree(out)).isEqualTo(atSecond);
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      ExportResult diff = exporter.exportFrom("main", second);
      assertThat(diff.succeeded()).isTrue();
      assertThat(diff.deleted()).isEqualTo(1);
    }
    assertThat(LocalLakeFs.status(out, third, true).get("previous_commit_id").asText())
        .isEqualTo(second);
    // Told not to look, a diff runs wherever it is pointed.
    Path elsewhere = Files.createDirectories(out.resolveSibling(out.getFileName() + "-other"));
    try (Exporter unchecked = lakeFs.exporter(repo, elsewhere).checkPreviousExport(false).build()) {
      assertThat(unchecked.exportFrom("main", second).succeeded()).isTrue();
    }
    assertThat(LocalLakeFs.tree(elsewhere)).isEmpty();
    assertThat(LocalLakeFs.status(elsewhere, third, true).get("mode").asText()).isEqualTo("diff");
  }

  /**
   * A scheduled diff retried from the last commit that succeeded, after an attempt failed part-way
   * and the branch moved on: the attempt wrote keys a later commit removed again (k7.txt), which a
   * diff from the previous commit alone never names. The retry runs from the failed attempt's
   * commit too, and the destination ends as the HEAD, byte for byte. So does one after an export
   * killed with its lease left behind (no status file at all).
   */
  @Test
  void aDiffRetriedAfterAnAttemptStoppedPartWayEndsAsTheHead() throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "a.txt", "a");
    lakeFs.put(repo, "b.txt", "b");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    lakeFs.put(repo, "k7.txt", "added, then removed");
    lakeFs.put(repo, "b.txt", "b, changed, then changed back");
    String longKey = "logs/" + "l".repeat(300) + ".txt";
    lakeFs.put(repo, longKey, "a name no filesystem takes");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      ExportResult failed = exporter.exportFrom("main", first);
      assertThat(failed.succeeded()).isFalse();
      assertThat(failed.commitId()).isEqualTo(second);
    }
    assertThat(LocalLakeFs.tree(out)).containsKey("k7.txt");
    lakeFs.emulator.deleteObject(repo, "main", "k7.txt");
    lakeFs.emulator.deleteObject(repo, "main", longKey);
    lakeFs.put(repo, "b.txt", "b");
    lakeFs.put(repo, "c.txt", "c");
    String third = lakeFs.emulator.commit(repo, "main", "third");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      ExportResult retried = exporter.exportFrom("main", first);
      assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    }
    assertThat(LocalLakeFs.tree(out)).isEqualTo(Map.of("a.txt", "a", "b.txt", "b", "c.txt", "c"));

    // Killed part-way: its lease stays, expired, naming its commit, and no status file is new.
    lakeFs.put(repo, "d.txt", "d");
    lakeFs.put(repo, "c.txt", "c, changed by the killed export's commit");
    String fourth = lakeFs.emulator.commit(repo, "main", "fourth");
    Files.writeString(out.resolve("d.txt"), "d");
    Files.writeString(out.resolve("c.txt"), "c, changed by the killed export's commit");
    leaveLease(out, repo, fourth, List.of());
    lakeFs.emulator.deleteObject(repo, "main", "d.txt");
    lakeFs.put(repo, "c.txt", "c");
    lakeFs.emulator.commit(repo, "main", "fifth: d.txt and c.txt as in the third");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      ExportResult retried = exporter.exportFrom("main", third);
      assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    }
    assertThat(LocalLakeFs.tree(out)).isEqualTo(Map.of("a.txt", "a", "b.txt", "b", "c.txt", "c"));
    assertThat(out.resolve(DestinationLease.NAME)).doesNotExist();
  }

  /**
   * lakeFS answers a listing for presigned URLs with 400 when its blockstore cannot presign (the
   * local one), as the emulator does: the export says so, and which source modes read such a
   * repository.
   */
  @Test
  void presignedSourcesFromABlockstoreThatCannotPresignAreRefusedSayingWhatWorks()
      throws IOException {
    String repo = sparkRepository();
    ExportResult result;
    try (Exporter exporter = lakeFs.exporter(repo, out).sourceMode(SourceMode.PRESIGNED).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .startsWith("round 1 stopped: lakeFS at ")
        .contains(
            " gives no presigned URLs for repository '"
                + repo
                + "' (400: local adapter presigned URL: operation not supported): its blockstore"
                + " cannot presign; the lakefs source mode reads through lakeFS instead");
    assertThat(LocalLakeFs.tree(out)).isEmpty();
  }

  /**
   * Read through lakeFS, an object whose bytes are gone from lakeFS's storage is answered 410 ("No
   * data"), as by lakeFS: that object fails once, saying so, where it was tried four times as a
   * server's fault.
   */
  @Test
  void anObjectWhoseBytesLakeFsLostFailsOnceSayingSo() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    String address = lakeFs.emulator.physicalAddress(repo, head, "README.txt");
    Files.delete(lakeFs.blockstore.resolve(address.substring("local://".length())));
    ExportResult result;
    try (Exporter exporter = lakeFs.exporter(repo, out).sourceMode(SourceMode.LAKEFS).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("README.txt");
              assertThat(f.attempts()).isEqualTo(1);
              assertThat(f.error())
                  .contains(
                      "source object missing: no object data for 'README.txt' at ref '"
                          + head
                          + "' of repository '"
                          + repo
                          + "' (410 ")
                  .contains("lakeFS has the entry, but its bytes are gone");
            });
    // Round 1's other four; the markers' round skipped after its failure.
    assertThat(result.copied()).isEqualTo(4);
  }

  /** The lease an export of {@code commit} left at {@code root} when it was killed a while ago. */
  private static void leaveLease(Path root, String repo, String commit, List<String> alsoFrom)
      throws IOException {
    Instant killed = Instant.now().minusSeconds(120);
    Files.writeString(
        root.resolve(DestinationLease.NAME),
        "{\"run\":\"killed\",\"repository\":\""
            + repo
            + "\",\"commit_id\":\""
            + commit
            + "\",\"host\":\"elsewhere\",\"machine\":\"\",\"pid\":1,\"started_at\":\""
            + killed
            + "\",\"expires_at\":\""
            + killed.plusSeconds(60)
            + "\",\"exporter_version\":\"1\",\"also_from\":["
            + String.join(",", alsoFrom.stream().map(c -> "\"" + c + "\"").toList())
            + "]}");
  }

  /**
   * Two attempts in a row stopped part-way: the second ran from the first's commit too and says so
   * (in its failure file, or in its lease when killed), so the next runs from both. The first took
   * the table's marker down and neither reached round 2: it ends up again, as the HEAD has it.
   */
  @Test
  void aDiffRetriedAfterTwoAttemptsStoppedEndsAsTheHead() throws IOException {
    String repo = lakeFs.newRepository();
    for (int i = 0; i < 4; i++) {
      lakeFs.put(repo, "tbl/part-" + i, "v1-" + i);
    }
    lakeFs.put(repo, "tbl/_SUCCESS", "m1");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    for (int i = 0; i < 4; i++) {
      lakeFs.put(repo, "tbl/part-" + i, "v2-" + i);
    }
    lakeFs.put(repo, "tbl/_SUCCESS", "m2");
    String longKey = "logs/" + "l".repeat(300) + ".txt";
    lakeFs.put(repo, longKey, "a name no filesystem takes");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    Path killedToo = out.resolveSibling(out.getFileName() + "-killed");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      assertThat(exporter.exportFrom("main", first).succeeded()).isFalse();
    }
    lakeFs.put(repo, "tbl/_SUCCESS", "m1");
    lakeFs.put(repo, "tbl/part-0", "v1-0");
    lakeFs.put(repo, "tbl/part-2", "v3-2");
    String third = lakeFs.emulator.commit(repo, "main", "third");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportFrom("main", first).succeeded()).isFalse();
    }
    assertThat(out.resolve("tbl/_SUCCESS")).doesNotExist();
    lakeFs.emulator.deleteObject(repo, "main", longKey);
    String fourth = lakeFs.emulator.commit(repo, "main", "fourth");
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      ExportResult retried = exporter.exportFrom("main", first);
      assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    }
    Map<String, String> head =
        Map.of(
            "tbl/part-0", "v1-0",
            "tbl/part-1", "v2-1",
            "tbl/part-2", "v3-2",
            "tbl/part-3", "v2-3",
            "tbl/_SUCCESS", "m1");
    assertThat(LocalLakeFs.tree(out)).isEqualTo(head);
    assertThat(LocalLakeFs.status(out, fourth, true).get("also_from"))
        .extracting(JsonNode::asText)
        .containsExactly(third, second);

    // Killed twice: the first attempt's lease names the second commit, the second's the third,
    // having run from the second too; each wrote its commit's marker.
    Files.createDirectories(killedToo);
    try (Exporter exporter = lakeFs.exporter(repo, killedToo).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
    }
    Files.writeString(killedToo.resolve("tbl/part-1"), "v2-1");
    Files.writeString(killedToo.resolve("tbl/part-3"), "v2-3");
    Files.writeString(killedToo.resolve("tbl/_SUCCESS"), "m2");
    Files.writeString(killedToo.resolve("tbl/part-2"), "v3-2");
    leaveLease(killedToo, repo, third, List.of(second));
    try (Exporter exporter = lakeFs.exporter(repo, killedToo).build()) {
      ExportResult retried = exporter.exportFrom("main", first);
      assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    }
    assertThat(LocalLakeFs.tree(killedToo)).isEqualTo(head);
  }

  /**
   * A marker new since the previous commit that a failed attempt wrote stays at the destination;
   * the retry rewrites the table under it, so it goes down before round 1 as a changed one does.
   */
  @Test
  void aRetryTakesDownAMarkerTheStoppedAttemptWroteBeforeRewritingItsTable() throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "base/x", "1");
    String first = lakeFs.emulator.commit(repo, "main", "first");
    for (int i = 0; i < 4; i++) {
      lakeFs.put(repo, "t2/part-" + i, "v2-" + i);
    }
    lakeFs.put(repo, "t2/_SUCCESS", "");
    String longMarker = "t3/" + "l".repeat(300) + "/_SUCCESS";
    lakeFs.put(repo, longMarker, "");
    lakeFs.emulator.commit(repo, "main", "second");
    try (Exporter exporter = lakeFs.exporter(repo, out).concurrency(1).build()) {
      assertThat(exporter.exportAllFromCommit(first).succeeded()).isTrue();
      assertThat(exporter.exportFrom("main", first).succeeded()).isFalse();
    }
    assertThat(out.resolve("t2/_SUCCESS")).exists();
    for (int i = 0; i < 4; i++) {
      lakeFs.put(repo, "t2/part-" + i, "v3-" + i);
    }
    lakeFs.emulator.deleteObject(repo, "main", longMarker);
    lakeFs.emulator.commit(repo, "main", "third");
    var markerAtRoundStart = new ConcurrentHashMap<Integer, Boolean>();
    ProgressListener watch =
        new ProgressListener() {
          @Override
          public void roundStarted(int round) {
            markerAtRoundStart.put(round, Files.exists(out.resolve("t2/_SUCCESS")));
          }
        };
    try (Exporter exporter = lakeFs.exporter(repo, out).listener(watch).build()) {
      ExportResult retried = exporter.exportFrom("main", first);
      assertThat(retried.succeeded()).as(retried.failures().toString()).isTrue();
    }
    assertThat(markerAtRoundStart).containsEntry(1, false);
    assertThat(out.resolve("t2/_SUCCESS")).exists();
    assertThat(out.resolve("t2/part-0")).hasContent("v3-0");
  }

  @Test
  void commitExportAndDiffExportWithDeletes() throws IOException {
    String repo = sparkRepository();
    String first = lakeFs.client.resolveBranch(repo, "main");
    lakeFs.emulator.deleteObject(repo, "main", "tables/users/part-00000.parquet");
    lakeFs.emulator.deleteObject(repo, "main", "tables/events/date=2024-01-01/part-00000.parquet");
    lakeFs.emulator.deleteObject(repo, "main", "tables/events/date=2024-01-01/part-00001.parquet");
    lakeFs.put(repo, "README.txt", "hello again");
    lakeFs.put(repo, "new/file.csv", "a,b");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    lakeFs.put(repo, "uncommitted.txt", "draft");

    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      ExportResult full = exporter.exportAllFromCommit(first.substring(0, 12));
      assertThat(full.succeeded()).isTrue();
      assertThat(full.commitId()).isEqualTo(first);
      assertThat(LocalLakeFs.status(out, first, true).get("mode").asText()).isEqualTo("commit");

      ExportResult diff = exporter.exportFrom("main", first);
      assertThat(diff.succeeded()).isTrue();
      assertThat(diff.commitId()).isEqualTo(second);
      assertThat(diff.copied()).isEqualTo(2);
      assertThat(diff.deleted()).isEqualTo(3);
    }
    // The emptied partition goes with its files: a reader that finds partitions by directory
    // would otherwise see one the commit does not have.
    assertThat(out.resolve("tables/events/date=2024-01-01")).doesNotExist();
    assertThat(out).isDirectoryContaining(p -> p.getFileName().toString().equals("tables"));
    Map<String, String> tree = LocalLakeFs.tree(out);
    assertThat(tree)
        .containsEntry("README.txt", "hello again")
        .containsEntry("new/file.csv", "a,b")
        .doesNotContainKey("tables/users/part-00000.parquet")
        .doesNotContainKey("uncommitted.txt")
        .containsKey("tables/events/_SUCCESS");
    JsonNode status = LocalLakeFs.status(out, second, true);
    assertThat(status.get("mode").asText()).isEqualTo("diff");
    assertThat(status.get("previous_commit_id").asText()).isEqualTo(first);
    assertThat(status.get("totals").get("deleted").asLong()).isEqualTo(3);
  }

  @Test
  void aFailedRoundStopsTheNextAndLeavesAFailureFile() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    String address = lakeFs.emulator.physicalAddress(repo, head, "tables/users/part-00000.parquet");
    Path physical = lakeFs.blockstore.resolve(address.substring("local://".length()));
    byte[] saved = Files.readAllBytes(physical);
    Files.delete(physical);

    ExportResult failed;
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      failed = exporter.exportAllFromBranch("main");
    }
    assertThat(failed.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(failed.rounds().get(0).status()).isEqualTo(RoundSummary.Status.FAILED);
    assertThat(failed.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(out.resolve("tables/users/_SUCCESS")).doesNotExist();
    assertThat(out.resolve("tables/events/_SUCCESS")).doesNotExist();
    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("status").asText()).isEqualTo("FAILURE");
    JsonNode failure = status.get("failures").get(0);
    assertThat(failure.get("operation").asText()).isEqualTo("copy");
    assertThat(failure.get("key").asText()).isEqualTo("tables/users/part-00000.parquet");
    assertThat(failure.get("error").asText()).contains("source object missing");
    assertThat(failure.get("source").asText()).isEqualTo(address);

    // Mended and run again: the success file replaces the failure file.
    Files.write(physical, saved);
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
    }
    assertThat(out.resolve("EXPORT_" + head + "_SUCCESS")).exists();
    assertThat(out.resolve("EXPORT_" + head + "_FAILURE")).doesNotExist();
  }

  @Test
  void aRoundWhoseListingBreaksOffReportsWhatItCopied() throws IOException {
    String repo = lakeFs.newRepository();
    // More than a page of 1000 entries: the second page is the one that fails.
    for (int i = 0; i < 1_100; i++) {
      lakeFs.put(repo, String.format("data/%05d.csv", i), "row " + i);
    }
    lakeFs.put(repo, "data/_SUCCESS", "");
    String head = lakeFs.emulator.commit(repo, "main", "two pages");
    ExportResult result;
    // Without the counting pass, the first round's listing is the first one.
    try (Exporter exporter = lakeFs.exporter(repo, out).countFirst(false).build()) {
      lakeFs.emulator.failListingPage(2);
      result = exporter.exportAllFromBranch("main");
    }
    Map<String, String> copied = LocalLakeFs.tree(out);
    assertThat(copied).hasSize(1_000).doesNotContainKey("data/_SUCCESS");
    long bytes = copied.values().stream().mapToLong(String::length).sum();

    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error()).startsWith("round 1 stopped: ").contains("500");
    RoundSummary first = result.rounds().get(0);
    assertThat(first.status()).isEqualTo(RoundSummary.Status.FAILED);
    assertThat(first.copied()).isEqualTo(1_000);
    assertThat(first.bytes()).isEqualTo(bytes);
    assertThat(first.copiedBy(CopyStrategy.SERVER_SIDE) + first.copiedBy(CopyStrategy.STREAM))
        .isEqualTo(1_000);
    assertThat(result.rounds().get(1).status()).isEqualTo(RoundSummary.Status.SKIPPED);
    assertThat(result.copied()).isEqualTo(1_000);

    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("rounds").get(0).get("status").asText()).isEqualTo("FAILED");
    assertThat(status.get("rounds").get(0).get("copied").asLong()).isEqualTo(1_000);
    assertThat(status.get("rounds").get(0).get("bytes").asLong()).isEqualTo(bytes);
    assertThat(status.get("totals").get("copied").asLong()).isEqualTo(1_000);
    assertThat(status.get("error").asText()).isEqualTo(result.error());
  }

  @Test
  void anInterruptedExportStopsAndReportsWhatItDid() throws IOException {
    String repo = lakeFs.newRepository();
    for (int i = 0; i < 300; i++) {
      lakeFs.put(repo, String.format("data/%05d.csv", i), "row " + i);
    }
    String head = lakeFs.emulator.commit(repo, "main", "many");
    var interruptsAfterTwenty = new InterruptAfter(20);
    ExportResult result;
    boolean stillInterrupted;
    try (Exporter exporter =
        lakeFs.exporter(repo, out).concurrency(2).listener(interruptsAfterTwenty).build()) {
      result = exporter.exportAllFromBranch("main");
    } finally {
      stillInterrupted = Thread.interrupted();
    }
    assertThat(stillInterrupted).as("the caller's thread stays interrupted").isTrue();
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error()).isEqualTo("round 1 stopped: the export was interrupted");
    long copied = LocalLakeFs.tree(out).size();
    assertThat(copied).isBetween(20L, 299L);
    assertThat(result.copied()).isEqualTo(copied);
    JsonNode status = LocalLakeFs.status(out, head, false);
    assertThat(status.get("totals").get("copied").asLong()).isEqualTo(copied);
    assertThat(status.get("error").asText()).contains("interrupted");
  }

  @Test
  void anExportOnAnInterruptedThreadSaysSoAndStartsNothing() throws IOException {
    String repo = sparkRepository();
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .isInstanceOf(ExportInterruptedException.class)
            .hasMessageContaining("interrupted")
            .hasMessageContaining(repo);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      // The same exporter, no longer interrupted, works.
      assertThat(exporter.exportAllFromBranch("main").succeeded()).isTrue();
    }
  }

  @Test
  void aStatusFileThatCannotBeWrittenStillGivesTheResult() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    // A directory, not empty, where the status file goes.
    Files.createDirectories(out.resolve("EXPORT_" + head + "_SUCCESS"));
    Files.writeString(out.resolve("EXPORT_" + head + "_SUCCESS/in-the-way"), "x");
    try (Exporter exporter = lakeFs.exporter(repo, out).retry(RetryPolicy.NONE).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOfSatisfying(
              StatusFileNotWrittenException.class,
              e -> {
                ExportResult result = e.result();
                assertThat(result.status()).isEqualTo(ExportResult.Status.SUCCEEDED);
                assertThat(result.commitId()).isEqualTo(head);
                assertThat(result.copied()).isEqualTo(7);
                assertThat(result.statusFile()).isNull();
              })
          .hasMessageContaining(head)
          .hasMessageContaining("'" + repo + "'")
          .hasMessageContaining("ended SUCCEEDED (7 copied, 0 deleted, 0 failed)")
          .hasMessageContaining("status file could not be written at " + Location.ofPath(out))
          .hasMessageContaining("a directory of that name is in the way");
    }
    assertThat(LocalLakeFs.tree(out)).containsEntry("README.txt", "hello");
  }

  @Test
  void anUnusableDestinationIsRefusedBeforeAnythingIsCopied() throws IOException {
    String repo = sparkRepository();
    Path file = Files.writeString(out.resolve("a-file"), "not a directory");
    long pages = lakeFs.emulator.listingPagesServed();
    assertThatThrownBy(() -> export(repo, file.toString()))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot export to " + Location.ofPath(file) + ": it is a file, not a directory");
    assertThatThrownBy(() -> export(repo, file.resolve("sub/dir").toString()))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot export to "
                + Location.ofPath(file.resolve("sub/dir"))
                + ": its path goes through "
                + file
                + ", which is a file, not a directory");
    assertThatThrownBy(() -> export(repo, "https://example.com/export/"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot export to https://example.com/export/: the http store cannot write there (it"
                + " is read-only)");
    assertThat(lakeFs.emulator.listingPagesServed()).as("nothing was listed").isEqualTo(pages);
    assertThat(file).hasContent("not a directory");
  }

  private void export(String repo, String destination) {
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(lakeFs.client)
            .repository(repo)
            .destination(destination)
            .storage(lakeFs.storage)
            .build()) {
      exporter.exportAllFromBranch("main");
    }
  }

  /** Puts Spark markers in round 5 of 2. */
  private static final KeyFilter OUT_OF_RANGE =
      new KeyFilter() {
        @Override
        public int rounds() {
          return 2;
        }

        @Override
        public int roundForKey(String key) {
          return key.endsWith("/_SUCCESS") ? 5 : 1;
        }

        @Override
        public String toString() {
          return "OutOfRange";
        }
      };

  @Test
  void aKeyFilterOutsideItsRoundsFailsTheExportCountedFirstOrNot() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    for (boolean countFirst : List.of(true, false)) {
      Path dest = out.resolve("counted-" + countFirst);
      ExportResult result;
      try (Exporter exporter =
          lakeFs.exporter(repo, dest).keyFilter(OUT_OF_RANGE).countFirst(countFirst).build()) {
        result = exporter.exportAllFromBranch("main");
      }
      String error =
          "round 1 stopped: key filter OutOfRange put 'tables/events/_SUCCESS' in round 5,"
              + " outside 1..2";
      assertThat(result.status())
          .as("countFirst " + countFirst)
          .isEqualTo(ExportResult.Status.FAILED);
      assertThat(result.error()).isEqualTo(error);
      assertThat(result.rounds())
          .extracting(RoundSummary::status)
          .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
      assertThat(LocalLakeFs.status(dest, head, false).get("error").asText()).isEqualTo(error);
    }
    try (Exporter exporter =
        lakeFs.exporter(repo, out.resolve("dry")).keyFilter(OUT_OF_RANGE).dryRun(true).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isExactlyInstanceOf(ExportException.class)
          .hasMessageContaining("dry run of commit " + head)
          .hasMessageContaining("put 'tables/events/_SUCCESS' in round 5");
    }
  }

  /** A two-round filter named {@code name}, which gives each key the round {@code round} says. */
  private static KeyFilter twoRounds(String name, ToIntFunction<String> round) {
    return new KeyFilter() {
      @Override
      public int rounds() {
        return 2;
      }

      @Override
      public int roundForKey(String key) {
        return round.applyAsInt(key);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** A full export of the HEAD of main, with {@code filter}. */
  private ExportResult exportWith(String repo, KeyFilter filter) {
    try (Exporter exporter = lakeFs.exporter(repo, out).keyFilter(filter).build()) {
      return exporter.exportAllFromBranch("main");
    }
  }

  @Test
  void aKeyFilterThatThrowsIsNamedWithTheKey() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    // Throws on Spark markers, as a caller's code may.
    KeyFilter throwsOnMarkers =
        twoRounds(
            "ThrowsOnMarkers",
            key -> {
              if (key.endsWith("/_SUCCESS")) {
                throw new NullPointerException();
              }
              return 1;
            });
    ExportResult result = exportWith(repo, throwsOnMarkers);
    String error =
        "round 1 stopped: key filter ThrowsOnMarkers failed on 'tables/events/_SUCCESS':"
            + " java.lang.NullPointerException";
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error()).isEqualTo(error);
    assertThat(LocalLakeFs.status(out, head, false).get("error").asText()).isEqualTo(error);
  }

  @Test
  void aKeyFilterThatChangesItsMindFailsTheRoundThatFoundOut() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    // Breaks KeyFilter's rule: Spark markers in round 2 the first time each is asked, in round 1
    // after that. Counted first, they are in round 2; when round 1 runs, in round 1 too, and round
    // 2 would have nothing left to copy.
    Set<String> asked = ConcurrentHashMap.newKeySet();
    KeyFilter changesItsMind =
        twoRounds("ChangesItsMind", key -> key.endsWith("/_SUCCESS") && asked.add(key) ? 2 : 1);
    ExportResult result = exportWith(repo, changesItsMind);
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .isEqualTo(
            "round 1 stopped: the commit was counted with 5 actions in it, but 7 when it ran;"
                + " key filter ChangesItsMind must give each key the same round every time it is"
                + " asked");
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
    assertThat(LocalLakeFs.status(out, head, false).get("error").asText())
        .isEqualTo(result.error());
  }

  @Test
  void aKeyFilterThatSwapsTwoKeysBetweenRoundsIsFoundOutThoughTheCountsAgree() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    // README.txt and the users marker trade rounds each time they are asked: counted, README.txt
    // in round 1 and the marker in round 2; listed for round 1, the other way round. Round 1 still
    // holds 5 actions, and round 2 would never copy README.txt.
    var asked = new ConcurrentHashMap<String, Integer>();
    KeyFilter swaps =
        twoRounds(
            "Swaps",
            key -> {
              if (key.equals("README.txt") || key.equals("tables/users/_SUCCESS")) {
                boolean odd = asked.merge(key, 1, Integer::sum) % 2 == 1;
                return odd == key.equals("README.txt") ? 1 : 2;
              }
              return key.endsWith("/_SUCCESS") ? 2 : 1;
            });
    ExportResult result = exportWith(repo, swaps);
    assertThat(result.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(result.error())
        .isEqualTo(
            "round 1 stopped: the commit was counted with other keys in this round than the 5 it"
                + " listed when it ran; key filter Swaps must give each key the same round every"
                + " time it is asked");
    assertThat(result.rounds())
        .extracting(RoundSummary::status)
        .containsExactly(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED);
    assertThat(out.resolve("EXPORT_" + head + "_SUCCESS")).doesNotExist();
    assertThat(LocalLakeFs.status(out, head, false).get("error").asText())
        .isEqualTo(result.error());
  }

  @Test
  void aKeyFilterThatFailsWithAnErrorOrCannotSayItsNameIsStillNamedWithTheKey() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    KeyFilter asserts =
        twoRounds(
            "Asserts",
            key -> {
              if (key.startsWith("tables/users/")) {
                throw new AssertionError("no users");
              }
              return 1;
            });
    ExportResult failed = exportWith(repo, asserts);
    assertThat(failed.status()).isEqualTo(ExportResult.Status.FAILED);
    assertThat(failed.error())
        .isEqualTo(
            "round 1 stopped: key filter Asserts failed on 'tables/users/_SUCCESS':"
                + " java.lang.AssertionError: no users");
    assertThat(LocalLakeFs.status(out, head, false).get("error").asText())
        .isEqualTo(failed.error());
    KeyFilter nameless =
        new KeyFilter() {
          @Override
          public int rounds() {
            return 1;
          }

          @Override
          public int roundForKey(String key) {
            throw new IllegalStateException("boom on " + key);
          }

          @Override
          public String toString() {
            throw new UnsupportedOperationException("no name");
          }
        };
    assertThat(exportWith(repo, nameless).error())
        .isEqualTo(
            "round 1 stopped: key filter "
                + nameless.getClass().getName()
                + " failed on 'README.txt': java.lang.IllegalStateException: boom on README.txt");
  }

  /** A listener that throws from {@code callback}, in round {@code round} where it has one. */
  private static ProgressListener throwingIn(String callback, int round) {
    return new ProgressListener() {
      @Override
      public void planned(PlanTotals totals) {
        fail("planned");
      }

      @Override
      public void roundStarted(int started) {
        fail(started == round ? "roundStarted" : "");
      }

      @Override
      public void actionFinished(ActionOutcome outcome) {
        fail("actionFinished");
      }

      @Override
      public void roundFinished(RoundSummary summary) {
        fail(summary.round() == round ? "roundFinished" : "");
      }

      private void fail(String in) {
        if (in.equals(callback)) {
          throw new IllegalStateException("listener boom");
        }
      }

      @Override
      public String toString() {
        return "throwing in " + callback;
      }
    };
  }

  @Test
  void aListenerThatThrowsEndsTheExportWithItsStatusFileNamingTheListener() throws IOException {
    String repo = sparkRepository();
    String head = lakeFs.client.resolveBranch(repo, "main");
    Map<String, List<RoundSummary.Status>> expected =
        Map.of(
            "planned", List.of(RoundSummary.Status.SKIPPED, RoundSummary.Status.SKIPPED),
            "roundStarted", List.of(RoundSummary.Status.SUCCEEDED, RoundSummary.Status.FAILED),
            "actionFinished", List.of(RoundSummary.Status.FAILED, RoundSummary.Status.SKIPPED),
            "roundFinished", List.of(RoundSummary.Status.SUCCEEDED, RoundSummary.Status.SKIPPED));
    for (var e : expected.entrySet()) {
      String callback = e.getKey();
      // Round 2 for roundStarted, so that round 1 ran; round 1 for the others.
      ProgressListener listener = throwingIn(callback, callback.equals("roundStarted") ? 2 : 1);
      Path dest = out.resolve(callback);
      ExportResult result;
      try (Exporter exporter = lakeFs.exporter(repo, dest).listener(listener).build()) {
        result = exporter.exportAllFromBranch("main");
      }
      assertThat(result.status()).as(callback).isEqualTo(ExportResult.Status.FAILED);
      assertThat(result.error())
          .as(callback)
          .contains("progress listener ")
          .contains(" failed in " + callback + ": java.lang.IllegalStateException: listener boom");
      assertThat(result.rounds()).extracting(RoundSummary::status).isEqualTo(e.getValue());
      assertThat(LocalLakeFs.status(dest, head, false).get("error").asText())
          .isEqualTo(result.error());
    }
  }

  @Test
  void aStorageSettingAProviderRefusesIsAnInvalidExport() throws IOException {
    String repo = sparkRepository();
    var s3 =
        Map.of(
            "s3.endpoint", "http://127.0.0.1:1",
            "s3.region", "us-east-1",
            "s3.access-key-id", "AK",
            "s3.secret-access-key", "S3-SECRET",
            "s3.copy.multipart-threshold", "lots");
    var http = Map.of(HttpStorageProvider.CONNECT_TIMEOUT_KEY, "abc");
    long pages = lakeFs.emulator.listingPagesServed();
    assertThatThrownBy(() -> export(repo, "s3://bucket/export/", s3))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot use destination s3://bucket/export/: invalid s3 storage settings: setting"
                + " s3.copy.multipart-threshold must be a number, not 'lots'");
    assertThatThrownBy(() -> export(repo, "https://example.com/export/", http))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "cannot use destination https://example.com/export/: invalid http storage settings:"
                + " setting http.connect-timeout must be a number, not 'abc'");
    assertThat(lakeFs.emulator.listingPagesServed()).as("nothing was listed").isEqualTo(pages);
    // The S3 store reads a bucket's client settings when it first serves that bucket: each
    // copy fails naming the setting, and so does the status file, whose exception keeps the
    // result.
    var pathStyle = new HashMap<>(s3);
    pathStyle.remove("s3.copy.multipart-threshold");
    pathStyle.put("s3.path-style-access", "maybe");
    assertThatThrownBy(() -> export(repo, "s3://bucket/export/", pathStyle))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("path-style")
        .hasMessageNotContaining("S3-SECRET");
  }

  private void export(String repo, String destination, Map<String, String> settings) {
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(lakeFs.client)
            .repository(repo)
            .destination(destination)
            .storageSettings(StorageSettings.of(settings))
            .build()) {
      exporter.exportAllFromBranch("main");
    }
  }

  @Test
  void unusualKeysAndEmptyObjects() throws IOException {
    String repo = lakeFs.newRepository();
    List<String> keys =
        List.of(
            "with space/a b.txt",
            "unicode/données-日本語.csv",
            "percent/100%.txt",
            "percent/%20encoded.txt",
            "plus/a+b.txt",
            "hash/part#1.txt",
            "empty/zero-bytes");
    for (String key : keys) {
      lakeFs.put(repo, key, key.equals("empty/zero-bytes") ? "" : key);
    }
    lakeFs.emulator.commit(repo, "main", "odd keys");
    for (SourceMode mode : List.of(SourceMode.AUTO, SourceMode.LAKEFS)) {
      Path dest = out.resolve(mode.name());
      try (Exporter exporter = lakeFs.exporter(repo, dest).sourceMode(mode).build()) {
        ExportResult result = exporter.exportAllFromBranch("main");
        assertThat(result.succeeded()).as(mode + ": " + result.failures()).isTrue();
      }
      Map<String, String> tree = LocalLakeFs.tree(dest);
      for (String key : keys) {
        assertThat(tree)
            .as(mode.name())
            .containsEntry(key, key.equals("empty/zero-bytes") ? "" : key);
      }
    }
  }

  @Test
  void aLargeObjectIsCopiedInPartsThroughTheLakeFsApi() throws Exception {
    String repo = lakeFs.newRepository();
    byte[] data = new byte[100 << 20];
    new Random(42).nextBytes(data);
    lakeFs.put(repo, "big/blob.bin", data);
    lakeFs.emulator.commit(repo, "main", "big");
    ExportResult result;
    try (Exporter exporter =
        lakeFs.exporter(repo, out).sourceMode(SourceMode.LAKEFS).partSize(8 << 20).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).isTrue();
    assertThat(result.copiedBy(CopyStrategy.PARALLEL_PARTS)).isEqualTo(1);
    Path copy = out.resolve("big/blob.bin");
    assertThat(Files.size(copy)).isEqualTo(data.length);
    assertThat(sha256(copy)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void directReadsOfTheLocalBlockstoreAreCopiedServerSide() throws IOException {
    String repo = sparkRepository();
    try (Exporter exporter = lakeFs.exporter(repo, out).sourceMode(SourceMode.DIRECT).build()) {
      ExportResult result = exporter.exportAllFromBranch("main");
      assertThat(result.copiedBy(CopyStrategy.SERVER_SIDE)).isEqualTo(7);
    }
    assertThat(LocalLakeFs.tree(out)).containsEntry("README.txt", "hello");
  }

  @Test
  void aKeyThatWouldEscapeTheRootIsRefusedAndReported() throws IOException {
    Path dest = out.resolve("root");
    JsonNode failure = exportOkAnd("sneaky/../../escaped.txt", dest);
    assertThat(out.resolve("escaped.txt")).doesNotExist();
    assertThat(failure.get("key").asText()).isEqualTo("sneaky/../../escaped.txt");
    assertThat(failure.get("error").asText()).contains("escape the destination root");
  }

  @Test
  void aNameTooLongForTheFilesystemFailsOnceNamingTheLimit() throws IOException {
    String longKey = "logs/" + "l".repeat(300) + ".txt";
    Path dest = out.resolve("long-names");
    JsonNode failure = exportOkAnd(longKey, dest);
    assertThat(failure.get("key").asText()).isEqualTo(longKey);
    assertThat(failure.get("error").asText())
        .contains("the filesystem refused a name of 304 bytes")
        .contains("most filesystems take at most 255 bytes per name");
    // No attempt could change it: tried once, not four times after backing off.
    assertThat(failure.get("attempts").asInt()).isEqualTo(1);
    assertThat(LocalLakeFs.tree(dest.resolve("logs"))).isEmpty();
  }

  /**
   * Exports a commit of {@code ok.txt} and {@code bad}, a key that cannot be written, to {@code
   * dest}: the export fails, ok.txt is copied, and the failure file's first failure is returned.
   */
  private JsonNode exportOkAnd(String bad, Path dest) throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "ok.txt", "fine");
    lakeFs.put(repo, bad, "bad");
    String head = lakeFs.emulator.commit(repo, "main", "a key that cannot be written");
    ExportResult result;
    try (Exporter exporter = lakeFs.exporter(repo, dest).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.succeeded()).isFalse();
    assertThat(dest.resolve("ok.txt")).hasContent("fine");
    return LocalLakeFs.status(dest, head, false).get("failures").get(0);
  }

  @Test
  void aDryRunCountsAndWritesNothing() throws IOException {
    String repo = sparkRepository();
    ExportResult result;
    try (Exporter exporter = lakeFs.exporter(repo, out).dryRun(true).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.status()).isEqualTo(ExportResult.Status.PLANNED);
    assertThat(result.plan().rounds().get(0).copies()).isEqualTo(5);
    assertThat(result.plan().rounds().get(1).copies()).isEqualTo(2);
    assertThat(result.plan().bytes()).isEqualTo(14);
    try (var files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCustomRoundFilterOrdersRounds() throws IOException {
    String repo = lakeFs.newRepository();
    lakeFs.put(repo, "t/part-0.parquet", "d");
    lakeFs.put(repo, "t/_delta_log/00000.json", "log");
    lakeFs.emulator.commit(repo, "main", "delta");
    ExportResult result;
    try (Exporter exporter =
        lakeFs.exporter(repo, out).keyFilter(GlobRoundFilter.parse(";**/_delta_log/**")).build()) {
      result = exporter.exportAllFromBranch("main");
    }
    assertThat(result.rounds()).extracting(RoundSummary::copied).containsExactly(1L, 1L);
  }

  @Test
  void aPreviousCommitGivenAsABranchOrExpressionIsRefusedAndATagIsTaken() throws IOException {
    String repo = sparkRepository();
    String first = lakeFs.client.resolveBranch(repo, "main");
    lakeFs.put(repo, "new/file.csv", "a,b");
    String second = lakeFs.emulator.commit(repo, "main", "second");
    lakeFs.emulator.createTag(repo, "v1", first);
    // The diffs start on an empty destination: how the previous commit is named is tested here.
    try (Exporter exporter = lakeFs.exporter(repo, out).checkPreviousExport(false).build()) {
      // lakeFS resolves these to a commit, but not to one that stays: "main" would diff the HEAD
      // against itself and export nothing, successfully.
      // lakeFS answers a tag lookup of "main^1" 400, not 404: not a tag either.
      for (String ref : List.of("main", "main~1", second + "~1", "main^1")) {
        assertThatThrownBy(() -> exporter.exportFrom("main", ref))
            .as(ref)
            .isInstanceOf(InvalidExportException.class)
            .hasMessageContaining("'" + ref + "' is not a commit id of repository '" + repo + "'")
            .hasMessageContaining(ref.equals("main") ? second : first);
        assertThatThrownBy(() -> exporter.exportAllFromCommit(ref))
            .isInstanceOf(InvalidExportException.class);
      }
      ExportResult diff = exporter.exportFrom("main", first.substring(0, 8));
      assertThat(diff.succeeded()).isTrue();
      assertThat(diff.copied()).isEqualTo(1);
      // A tag names one commit for good: the same diff.
      ExportResult fromTag = exporter.exportFrom("main", "v1");
      assertThat(fromTag.succeeded()).isTrue();
      assertThat(fromTag.copied()).isEqualTo(1);
    }
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("new", "EXPORT_" + second + "_SUCCESS");
    }
  }

  @Test
  void aRepositoryTheKeyMayNotReadIsNotReportedAsBadCredentials() throws IOException {
    String repo = sparkRepository();
    lakeFs.emulator.denyAccess(repo);
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(LakeFsAuthenticationException.class)
          .hasMessageContaining(
              "access key '"
                  + lakeFs.emulator.accessKeyId()
                  + "' may not read branch 'main' of repository '"
                  + repo
                  + "'")
          .hasMessageContaining("insufficient permissions")
          .hasMessageNotContaining("rejected the credentials");
    }
  }

  @Test
  void unknownRepositoryBranchCommitAndBadCredentialsGiveDistinctErrors() throws IOException {
    String repo = sparkRepository();
    try (Exporter exporter = lakeFs.exporter("no-such-repo", out).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(RepositoryNotFoundException.class)
          .hasMessageContaining("'no-such-repo'")
          .hasMessageContaining(lakeFs.emulator.apiUrl());
    }
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("nope"))
          .isInstanceOf(RefNotFoundException.class)
          .hasMessageContaining("branch 'nope'")
          .hasMessageContaining(repo);
      assertThatThrownBy(() -> exporter.exportAllFromCommit("deadbeefdeadbeef"))
          .isInstanceOf(RefNotFoundException.class)
          .hasMessageContaining("commit 'deadbeefdeadbeef'");
      assertThatThrownBy(() -> exporter.exportFrom("main", "deadbeefdeadbeef"))
          .isInstanceOf(RefNotFoundException.class)
          .hasMessageStartingWith("previous commit 'deadbeefdeadbeef' not found");
    }
    try (Exporter exporter = lakeFs.exporter("Sales_Data", out).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("'Sales_Data' is not a lakeFS repository name")
          .hasMessageContaining("answered 400");
    }
    try (Exporter exporter = lakeFs.exporter(repo, out).build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("feature/x"))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("'feature/x' is not a lakeFS branch name");
    }
    LakeFsClient wrong =
        LakeFsClient.create(lakeFs.config(lakeFs.emulator.accessKeyId(), "wrong-secret"));
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(wrong)
            .repository(repo)
            .destination(Location.ofPath(out))
            .build()) {
      assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
          .isInstanceOf(LakeFsAuthenticationException.class)
          .hasMessageContaining("401")
          .hasMessageNotContaining("wrong-secret");
    } finally {
      wrong.close();
    }
    try (var files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    }
    return digest.digest();
  }
}
