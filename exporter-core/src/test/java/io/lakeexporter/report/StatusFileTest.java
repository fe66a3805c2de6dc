package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.ExportMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
