package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.DestinationInUseException;
import io.lakeexporter.ExportException;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease on a destination root, on the local filesystem. */
class DestinationLeaseTest {

  @TempDir Path root;

  private final LocalFileStore store = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  private Location rootLocation() {
    return Location.parse(root.toUri().toString());
  }

  private Path leaseFile() {
    return root.resolve(DestinationLease.NAME);
  }

  private JsonNode leaseJson() throws IOException {
    return new ObjectMapper().readTree(leaseFile().toFile());
  }

  private DestinationLease take(String commitId, Duration term, Duration renewEvery) {
    return DestinationLease.take(
        store, rootLocation(), "repo", commitId, RetryPolicy.NONE, term, renewEvery);
  }

  /** A lease of another run of commit c0ffee, as its export wrote it. */
  private void writeLease(
      String run, String host, String machine, long pid, Instant startedAt, Instant expiresAt)
      throws IOException {
    var holder =
        new DestinationLease.Holder(
            run, "repo", "c0ffee", host, machine, pid, startedAt, expiresAt, "0.9", List.of());
    Files.write(leaseFile(), DestinationLease.render(holder));
  }

  /** Another machine's lease, until {@code expiresAt}. */
  private void writeOthers(Instant expiresAt) throws IOException {
    writeLease("other-run", "elsewhere", "", 4242, expiresAt.minusSeconds(60), expiresAt);
  }

  @Test
  void aLeaseNamesItsExportWhileItRunsAndIsGoneWhenItEnds() throws IOException {
    Instant before = Instant.now();
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      JsonNode json = leaseJson();
      assertThat(json.get("repository").asText()).isEqualTo("repo");
      assertThat(json.get("commit_id").asText()).isEqualTo("abc123");
      assertThat(json.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(json.get("run").asText()).isNotBlank();
      assertThat(Instant.parse(json.get("expires_at").asText()))
          .isAfterOrEqualTo(before.plus(Duration.ofMinutes(1)));
      assertThat(lease.check()).isEmpty();
    }
    assertThat(leaseFile()).doesNotExist();
  }

  @Test
  void anExportFindingAnotherHoldingTheRootIsRefusedNamingIt() throws IOException {
    try (var first = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      String run = leaseJson().get("run").asText();
      assertThatThrownBy(() -> take("def456", Duration.ofMinutes(1), Duration.ofMinutes(1)))
          .isInstanceOf(DestinationInUseException.class)
          .hasMessageStartingWith("the destination is in use: an export of commit abc123")
          .hasMessageContaining("run " + run)
          .hasMessageContaining("holds " + rootLocation().child(DestinationLease.NAME))
          .hasMessageEndingWith("wait for it to end, or remove that file if that export is gone");
      assertThat(leaseJson().get("run").asText()).as("the first's lease is left").isEqualTo(run);
      assertThat(first.check()).isEmpty();
    }
  }

  /**
   * An export killed outright on this machine keeps its lease until the term ends: a run again at
   * once was refused for up to a minute. Its process gone, the lease is taken over at once.
   */
  @Test
  void anUnexpiredLeaseOfAProcessGoneFromThisMachineIsTakenOverAtOnce() throws Exception {
    JsonNode mine;
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      mine = leaseJson();
    }
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    Instant now = Instant.now();
    String host = mine.get("host").asText();
    String machine = mine.get("machine").asText();
    writeLease(
        "killed-run", host, machine, finished.pid(), now.minusSeconds(5), now.plusSeconds(55));

    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(leaseJson().get("commit_id").asText()).isEqualTo("abc123");
    }

    // The same lease of a process still running here (this one) holds.
    // Started after this process did, as its lease would be.
    writeLease(
        "running-run", host, machine, ProcessHandle.current().pid(), now, now.plusSeconds(55));
    assertThatThrownBy(() -> take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1)))
        .isInstanceOf(DestinationInUseException.class)
        .hasMessageContaining("run running-run");
  }

  /** A dry run takes no lease: it says whether a run now would be refused. */
  @Test
  void aDryRunIsToldWhetherAnotherExportHoldsTheRoot() throws IOException {
    assertThat(DestinationLease.heldByAnother(store, rootLocation())).isEmpty();
    writeOthers(Instant.now().minusSeconds(5));
    assertThat(DestinationLease.heldByAnother(store, rootLocation())).as("expired").isEmpty();
    writeOthers(Instant.now().plusSeconds(55));
    assertThat(DestinationLease.heldByAnother(store, rootLocation()))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("the destination is in use: an export of commit c0ffee"));
  }

  /**
   * The commit of an export cut off with its lease left, which a diff runs from too: only of the
   * same repository (another's commit says nothing of this one's diffs), and only once it is gone.
   */
  @Test
  void aLeftLeaseNamesItsCommitToTheSameRepositoryOnly() throws IOException {
    Instant gone = Instant.now().minusSeconds(5);
    writeOthers(gone);
    assertThat(DestinationLease.leftBy(store, rootLocation(), "repo")).containsExactly("c0ffee");
    assertThat(DestinationLease.leftBy(store, rootLocation(), "other")).isEmpty();
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(lease.tookOverFrom()).containsExactly("c0ffee");
      assertThat(DestinationLease.leftBy(store, rootLocation(), "repo")).as("held").isEmpty();
      // Its diff runs from c0ffee too: written in the lease, for an export that takes it over.
      lease.record(List.of("c0ffee"));
      assertThat(leaseJson().get("also_from").get(0).asText()).isEqualTo("c0ffee");
    }
    var others =
        new DestinationLease.Holder(
            "x",
            "other",
            "d00d",
            "elsewhere",
            "",
            7,
            gone.minusSeconds(60),
            gone,
            "0.9",
            List.of());
    Files.write(leaseFile(), DestinationLease.render(others));
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(lease.tookOverFrom()).isEmpty();
    }
  }

  @Test
  void anExpiredLeaseIsTakenOver() throws IOException {
    writeOthers(Instant.now().minusSeconds(5));
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(leaseJson().get("commit_id").asText()).isEqualTo("abc123");
      assertThat(lease.check()).isEmpty();
    }
    assertThat(leaseFile()).doesNotExist();
  }

  /**
   * An export cut off leaves its temporary files beside their targets, which no run removed: the
   * export that takes its expired lease over removes them, and nothing else.
   */
  @Test
  void takingOverAnExpiredLeaseRemovesTheTemporaryFilesItsExportLeft() throws IOException {
    Path table = Files.createDirectories(root.resolve("t"));
    Path whole = Files.writeString(table.resolve(".lakefs-export-1b2c.tmp"), "half a copy");
    Path parts = Files.writeString(root.resolve(".lakefs-export-3d4e-100-10"), "parts");
    Path data = Files.writeString(table.resolve("part-0.parquet"), "data");
    // Older than the cut-off export: not its own.
    Path older = Files.writeString(table.resolve(".lakefs-export-5f6a.tmp"), "older");
    Files.setLastModifiedTime(older, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    // Under a nested root with its lease: another export's, perhaps at work.
    Path nested = Files.createDirectories(root.resolve("nested/t"));
    Files.writeString(root.resolve("nested/" + DestinationLease.NAME), "its lease");
    Path live = Files.writeString(nested.resolve(".lakefs-export-7a8b.tmp"), "live");
    writeOthers(Instant.now().minusSeconds(5));

    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(whole).doesNotExist();
      assertThat(parts).doesNotExist();
      assertThat(data).hasContent("data");
      assertThat(older).exists();
      assertThat(live).exists();
    }
  }

  @Test
  void aRootFoundFreeIsNotSearchedForLeftovers() throws IOException {
    Path whole = Files.writeString(root.resolve(".lakefs-export-1b2c.tmp"), "half a copy");
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      assertThat(whole).exists();
    }
  }

  @Test
  void aLeaseIsRenewedWhileHeldAndLostWhenAnotherTakesItOver() throws Exception {
    try (var lease = take("abc123", Duration.ofMillis(400), Duration.ofMillis(50))) {
      Instant first = Instant.parse(leaseJson().get("expires_at").asText());
      Instant renewed = first;
      for (int i = 0; i < 200 && !renewed.isAfter(first); i++) {
        Thread.sleep(10);
        renewed = Instant.parse(leaseJson().get("expires_at").asText());
      }
      assertThat(renewed).as("renewed before its term ran out").isAfter(first);
      assertThat(lease.lost()).isEmpty();
      assertThat(lease.whileHeld(() -> Stream.of(1, 2, 3)).get()).containsExactly(1, 2, 3);

      var told = new AtomicBoolean();
      lease.whenLost(() -> told.set(true));
      writeOthers(Instant.now().plusSeconds(60));
      for (int i = 0; i < 200 && lease.lost().isEmpty(); i++) {
        Thread.sleep(10);
      }
      assertThat(lease.lost())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .startsWith("another export took the destination over")
                      .contains("commit c0ffee")
                      .contains("run other-run"));
      assertThat(told).as("the work under way told to stop (a Spark driver's jobs)").isTrue();
      // A round's listing breaks off at its next action, which stops the round.
      assertThatThrownBy(() -> lease.whileHeld(() -> Stream.of(1, 2, 3)).get().toList())
          .hasMessageStartingWith("another export took the destination over");
    }
    assertThat(leaseJson().get("run").asText())
        .as("the other's lease is not removed")
        .isEqualTo("other-run");
  }

  /** Removed by hand while the export runs (taken for a stale one), the lease is written again. */
  @Test
  void aLeaseRemovedWhileHeldIsWrittenAgain() throws IOException {
    try (var lease = take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1))) {
      String run = leaseJson().get("run").asText();
      Files.delete(leaseFile());
      assertThat(lease.check()).isEmpty();
      assertThat(leaseJson().get("run").asText()).isEqualTo(run);
    }
    assertThat(leaseFile()).doesNotExist();
  }

  /**
   * An export stalled past its term (kill -STOP) whose lease another export took over, finished and
   * removed: gone, it was written again and the stalled export ran on to SUCCESS over the other's
   * objects. Gone after its own term, the lease is lost.
   */
  @Test
  void aLeaseGoneAfterItsTermRanOutIsLostNotWrittenAgain() throws Exception {
    try (var lease = take("abc123", Duration.ofMillis(200), Duration.ofMinutes(1))) {
      Thread.sleep(400);
      Files.delete(leaseFile());
      assertThat(lease.check())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .startsWith("this export's lease expired at ")
                      .contains("another export may have taken the destination over"));
      assertThat(leaseFile()).as("not written again").doesNotExist();
    }
  }

  /** Unguarded, two exports at once could each end with SUCCESS: a directory in the way refuses. */
  @Test
  void aDirectoryUnderTheLeasesNameRefusesTheExport() throws IOException {
    Files.createDirectories(leaseFile());
    assertThatThrownBy(() -> take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1)))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith(
            "could not take the lease " + rootLocation().child(DestinationLease.NAME));
  }

  @Test
  void aFileUnderTheLeasesNameThatIsNotALeaseIsRefused() throws IOException {
    Files.writeString(leaseFile(), "a table's own file");
    assertThatThrownBy(() -> take("abc123", Duration.ofMinutes(1), Duration.ofMinutes(1)))
        .isInstanceOf(DestinationInUseException.class)
        .hasMessageContaining("that is not an export's lease");
    assertThat(leaseFile()).hasContent("a table's own file");
  }
}
