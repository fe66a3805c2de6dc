package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StoreCapability;
import io.lakeexporter.storage.UnsupportedStoreOperationException;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {

  private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

  private ExportResult result(
      ExportResult.Status status, List<ActionOutcome> failures, long omitted) {
    var round1 =
        new RoundSummary(
            1,
            RoundSummary.Status.SUCCEEDED,
            3,
            1,
            0,
            300,
            Map.of(CopyStrategy.STREAM, 2L, CopyStrategy.SERVER_SIDE, 1L));
    var round2 =
        status == ExportResult.Status.SUCCEEDED
            ? new RoundSummary(
                2, RoundSummary.Status.SUCCEEDED, 1, 0, 0, 0, Map.of(CopyStrategy.STREAM, 1L))
            : RoundSummary.skipped(2);
    return new ExportResult(
        status,
        "repo",
        ExportMode.DIFF,
        "main",
        "prev123",
        "abc123",
        "s3://bucket/export",
        START,
        START.plusSeconds(5),
        List.of(round1, round2),
        failures,
        omitted,
        "",
        null,
        null,
        "1.2.3");
  }

  @Test
  void successNamesTheExportAndCountsEveryRound() throws IOException {
    JsonNode json =
        new ObjectMapper()
            .readTree(StatusFile.render(result(ExportResult.Status.SUCCEEDED, List.of(), 0)));
    assertThat(StatusFile.successName("abc123")).isEqualTo("EXPORT_abc123_SUCCESS");
    assertThat(json.get("status").asText()).isEqualTo("SUCCESS");
    assertThat(json.get("repository").asText()).isEqualTo("repo");
    assertThat(json.get("mode").asText()).isEqualTo("diff");
    assertThat(json.get("branch").asText()).isEqualTo("main");
    assertThat(json.get("previous_commit_id").asText()).isEqualTo("prev123");
    assertThat(json.get("commit_id").asText()).isEqualTo("abc123");
    assertThat(json.get("started_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(json.get("finished_at").asText()).isEqualTo("2026-01-02T03:04:10Z");
    assertThat(json.get("exporter_version").asText()).isEqualTo("1.2.3");
    assertThat(json.get("rounds")).hasSize(2);
    assertThat(json.get("rounds").get(0).get("copied").asLong()).isEqualTo(3);
    assertThat(json.get("rounds").get(0).get("copied_by").get("server-side").asLong()).isEqualTo(1);
    assertThat(json.get("totals").get("copied").asLong()).isEqualTo(4);
    assertThat(json.get("totals").get("deleted").asLong()).isEqualTo(1);
    assertThat(json.get("totals").get("bytes").asLong()).isEqualTo(300);
    assertThat(json.has("failures")).isFalse();
  }

  @Test
  void failureListsEveryFailedOperationWithoutSignatures() throws IOException {
    var failure =
        ActionOutcome.failed(
            Action.copyOf("t/part-1.parquet", 10, 1), "https://b.s3.amazonaws.com/data/x", "boom");
    byte[] bytes = StatusFile.render(result(ExportResult.Status.FAILED, List.of(failure), 7));
    JsonNode json = new ObjectMapper().readTree(bytes);
    assertThat(json.get("status").asText()).isEqualTo("FAILURE");
    assertThat(json.get("rounds").get(1).get("status").asText()).isEqualTo("SKIPPED");
    JsonNode f = json.get("failures").get(0);
    assertThat(f.get("operation").asText()).isEqualTo("copy");
    assertThat(f.get("key").asText()).isEqualTo("t/part-1.parquet");
    assertThat(f.get("source").asText()).isEqualTo("https://b.s3.amazonaws.com/data/x");
    assertThat(f.get("error").asText()).isEqualTo("boom");
    assertThat(json.get("failures_omitted").asLong()).isEqualTo(7);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("Signature");
  }

  @Test
  void textThatJsonMustEscapeReadsBackUnchanged() throws IOException {
    String key = "dir \"quoted\"/back\\slash/tab\there/ünïcødé/日本/\u2028/\u0001.csv";
    String error = "line one\nline two: \"{not json}\" <b>&amp;</b>";
    var failure = ActionOutcome.failed(Action.copyOf(key, 1, 1), "s3://b/\"x\"", error);
    JsonNode json =
        new ObjectMapper()
            .readTree(StatusFile.render(result(ExportResult.Status.FAILED, List.of(failure), 0)));
    JsonNode f = json.get("failures").get(0);
    assertThat(f.get("key").asText()).isEqualTo(key);
    assertThat(f.get("error").asText()).isEqualTo(error);
    assertThat(f.get("source").asText()).isEqualTo("s3://b/\"x\"");
  }

  /**
   * Files that, once written, stay: a write-once (WORM) destination. With {@code deniedDeletes} it
   * claims DELETE as a store does whose credentials may not delete (a bucket policy), and refuses
   * each one.
   */
  private static final class WriteOnceStore implements ObjectStore {
    private final LocalFileStore files = new LocalFileStore(Path.of("/nonexistent-blockstore"));
    private final boolean deniedDeletes;
    private final AtomicInteger deleteCalls = new AtomicInteger();

    WriteOnceStore(boolean deniedDeletes) {
      this.deniedDeletes = deniedDeletes;
    }

    @Override
    public String name() {
      return "write-once";
    }

    @Override
    public Set<StoreCapability> capabilities() {
      return deniedDeletes
          ? Set.of(StoreCapability.WRITE, StoreCapability.DELETE)
          : Set.of(StoreCapability.WRITE);
    }

    @Override
    public ObjectInfo stat(Location location) throws IOException {
      return files.stat(location);
    }

    @Override
    public InputStream read(Location location, long offset, long length) throws IOException {
      return files.read(location, offset, length);
    }

    @Override
    public void write(Location location, InputStream data, long size, ObjectMetadata metadata)
        throws IOException {
      files.write(location, data, size, metadata);
    }

    @Override
    public List<DeleteFailure> delete(Collection<Location> locations) throws IOException {
      deleteCalls.incrementAndGet();
      if (deniedDeletes) {
        throw new IOException("Access Denied (403) deleting " + locations);
      }
      throw new UnsupportedStoreOperationException(name(), "delete", locations.iterator().next());
    }

    @Override
    public Stream<ObjectInfo> list(Location prefix) throws IOException {
      return files.list(prefix);
    }

    @Override
    public void close() {}
  }

  @Test
  void aStoreThatCannotDeleteIsNotAskedToAndTheStatusFileStillCounts(@TempDir Path dir)
      throws IOException {
    Path stale = Files.writeString(dir.resolve(StatusFile.failureName("abc123")), "{}");
    var store = new WriteOnceStore(false);
    Location root = Location.ofPath(dir);
    Location written =
        StatusFile.write(
            store, root, result(ExportResult.Status.SUCCEEDED, List.of(), 0), RetryPolicy.NONE);
    assertThat(written).isEqualTo(root.child(StatusFile.successName("abc123")));
    assertThat(dir.resolve(StatusFile.successName("abc123"))).exists();
    assertThat(stale).as("a write-once store keeps it").exists();
    assertThat(store.deleteCalls).hasValue(0);
  }

  @Test
  void aStaleFileThatCannotBeDeletedIsOnlyAWarning(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(StatusFile.successName("abc123")), "{}");
    var store = new WriteOnceStore(true);
    Location root = Location.ofPath(dir);
    Location written =
        StatusFile.write(
            store,
            root,
            result(ExportResult.Status.FAILED, List.of(), 0),
            new RetryPolicy(2, Duration.ZERO, Duration.ZERO));
    assertThat(written).isEqualTo(root.child(StatusFile.failureName("abc123")));
    assertThat(dir.resolve(StatusFile.failureName("abc123"))).exists();
    assertThat(store.deleteCalls).as("tried, and tried again").hasValue(2);
  }

  @Test
  void theFailureLogKeepsTenThousandAndCountsTheRest() {
    var log = new RoundTally.FailureLog();
    for (int i = 0; i < RoundTally.MAX_FAILURES + 25; i++) {
      log.add(ActionOutcome.failed(Action.delete("k" + i, 1), "", "x"));
    }
    assertThat(log.kept()).hasSize(RoundTally.MAX_FAILURES);
    assertThat(log.omitted()).isEqualTo(25);
    assertThat(log.kept().get(0).path()).isEqualTo("k0");
  }
}
