package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.RoundSummary;
import io.lakeexporter.storage.Location;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void theSeedsArgumentsParse() {
    var plain = Main.parse(new String[] {"repo", "s3://b/x", "--branch=main"});
    assertThat(plain)
        .extracting(
            Main.Arguments::repository,
            Main.Arguments::root,
            Main.Arguments::branch,
            Main.Arguments::commitId,
            Main.Arguments::previousCommitId,
            Main.Arguments::concurrency,
            Main.Arguments::partSize,
            Main.Arguments::multipartThreshold,
            Main.Arguments::dryRun,
            Main.Arguments::partitions,
            Main.Arguments::sourceMode)
        .containsExactly(
            "repo",
            "s3://b/x",
            "main",
            null,
            null,
            Main.DEFAULT_CONCURRENCY,
            CopySettings.DEFAULT_PART_SIZE,
            CopySettings.DEFAULT_MULTIPART_THRESHOLD,
            false,
            0,
            SourceMode.AUTO);
    assertThat(plain.keyFilter()).isInstanceOf(SparkFilter.class);
    assertThat(
            Main.parse(new String[] {"repo", "s3://b/x", "--branch=main", "--concurrency=4"})
                .concurrency())
        .isEqualTo(4);
    assertThat(Main.parse(new String[] {"repo", "s3://b/x", "--commit_id=abc"}).commitId())
        .isEqualTo("abc");
    assertThat(
            Main.parse(new String[] {"repo", "s3://b/x", "--branch=main", "--prev_commit_id=p"})
                .previousCommitId())
        .isEqualTo("p");
    assertThat(plain.checkPreviousExport()).isTrue();
    assertThat(
            Main.parse(
                    new String[] {
                      "repo",
                      "s3://b/x",
                      "--branch=m",
                      "--prev_commit_id=p",
                      "--no-previous-export-check"
                    })
                .checkPreviousExport())
        .isFalse();
  }

  @Test
  void theCommandLinesExportOptionsParse() {
    var parsed =
        Main.parse(
            new String[] {
              "repo",
              "s3://b/x",
              "--commit_id=c",
              "--rounds=;**/*.manifest;**/_SUCCESS",
              "--part-size=64MiB",
              "--multipart-threshold=1G",
              "--partitions=48",
              "--source-mode=lakefs",
              "--dry-run"
            });
    assertThat(parsed.keyFilter()).isInstanceOf(GlobRoundFilter.class);
    assertThat(((GlobRoundFilter) parsed.keyFilter()).globs())
        .isEqualTo(List.of(List.of(), List.of("**/*.manifest"), List.of("**/_SUCCESS")));
    assertThat(parsed.partSize()).isEqualTo(64L << 20);
    assertThat(parsed.multipartThreshold()).isEqualTo(1L << 30);
    assertThat(parsed.partitions()).isEqualTo(48);
    assertThat(parsed.dryRun()).isTrue();
    assertThat(parsed.sourceMode()).isEqualTo(SourceMode.LAKEFS);
  }

  /** The command line takes {@code --branch main}; a line moved from it means the same here. */
  @Test
  void optionsTakeTheirValueAfterASpaceAsWell() {
    var spaced =
        Main.parse(
            new String[] {
              "repo", "s3://b/x", "--branch", "main", "--prev_commit_id", "p", "--concurrency",
              "4", "--rounds", ";**/_SUCCESS", "--part-size", "64MiB", "--source-mode", "lakefs"
            });
    // Each field, the filter's globs among them, in the record's words.
    assertThat(spaced)
        .hasToString(
            Main.parse(
                    new String[] {
                      "repo",
                      "s3://b/x",
                      "--branch=main",
                      "--prev_commit_id=p",
                      "--concurrency=4",
                      "--rounds=;**/_SUCCESS",
                      "--part-size=64MiB",
                      "--source-mode=lakefs"
                    })
                .toString());
    assertThat(spaced.branch()).isEqualTo("main");
    assertThat(spaced.concurrency()).isEqualTo(4);
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--branch"}))
        .hasMessage("--branch needs a value");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--branch", "--dry-run"}))
        .hasMessage("--branch needs a value");
  }

  @Test
  void helpIsAskedForAnywhereOnTheLine() {
    assertThat(Main.asksForHelp(new String[] {"--help"})).isTrue();
    assertThat(Main.asksForHelp(new String[] {"repo", "s3://b/x", "-h"})).isTrue();
    assertThat(Main.asksForHelp(new String[] {"repo", "s3://b/x", "--branch=help"})).isFalse();
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "s3://b/x", "--branch=m", "--commit_id=c"}))
        .hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "s3://b/x"}))
        .hasMessageContaining("--branch=B");
    assertThatThrownBy(
            () ->
                Main.parse(
                    new String[] {"repo", "s3://b/x", "--commit_id=c", "--prev_commit_id=p"}))
        .hasMessageContaining("needs --branch");
    assertThatThrownBy(
            () ->
                Main.parse(
                    new String[] {"repo", "s3://b/x", "--branch=m", "--no-previous-export-check"}))
        .hasMessage("--no-previous-export-check needs --prev_commit_id");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "--branch=m"}))
        .hasMessageContaining("<repo> <rootLocation>");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--branch="}))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--concurrency=0"}))
        .hasMessageContaining("--concurrency must be 1..1024, not '0'");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--concurrency=many"}))
        .hasMessageContaining("--concurrency must be 1..1024, not 'many'");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--bogus=1"}))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--branch=m", "--rounds="}))
        .hasMessage(
            "invalid --rounds '': the round spec is empty; e.g. ';**/_SUCCESS' puts Spark"
                + " markers in a last round");
    assertThatThrownBy(() -> Main.parse(new String[] {"repo", "x", "--branch=m", "--rounds=;a;"}))
        .hasMessageContaining("round 3 has no patterns");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--part-size=lots"}))
        .hasMessage("--part-size must be a size such as 8MiB or 1G, not 'lots'");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--multipart-threshold=0"}))
        .hasMessage("--multipart-threshold must be a size such as 8MiB or 1G, not '0'");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--partitions=-2"}))
        .hasMessage("--partitions must be 1..1000000, not '-2'");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--source-mode=presigned"}))
        .hasMessageContaining("--source-mode=presigned is not offered on Spark");
    assertThatThrownBy(
            () -> Main.parse(new String[] {"repo", "x", "--branch=m", "--source-mode=telepathy"}))
        .hasMessage("--source-mode must be auto, direct or lakefs, not 'telepathy'");
  }

  @Test
  void aFailedExportsSummarySaysWhyAndNamesTheFirstFailures() {
    var failures = new ArrayList<ActionOutcome>();
    for (int i = 0; i < 7; i++) {
      failures.add(
          ActionOutcome.failed(
              Action.delete("gone/" + i, 1), "", "refused\nnot a line of its own", 3));
    }
    var result =
        new ExportResult(
            ExportResult.Status.FAILED,
            "repo",
            ExportMode.BRANCH,
            "main",
            null,
            "abc123",
            "s3://bucket/export",
            Instant.EPOCH,
            Instant.EPOCH.plusSeconds(1),
            List.of(
                new RoundSummary(1, RoundSummary.Status.FAILED, 0, 0, 7, 0, Map.of()),
                RoundSummary.skipped(2)),
            failures.subList(0, 6),
            1,
            "round 1 stopped: lakeFS answered 500",
            "s3://bucket/export/EXPORT_abc123_FAILURE",
            null,
            "1.2.3");
    var bytes = new ByteArrayOutputStream();
    Main.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), result, false);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "FAILED: 0 copied, 0 deleted, 7 failed; status file"
                + " s3://bucket/export/EXPORT_abc123_FAILURE",
            "  error: round 1 stopped: lakeFS answered 500",
            "  failed delete gone/0 (3 attempts): refused\\nnot a line of its own",
            "  failed delete gone/1 (3 attempts): refused\\nnot a line of its own",
            "  failed delete gone/2 (3 attempts): refused\\nnot a line of its own",
            "  failed delete gone/3 (3 attempts): refused\\nnot a line of its own",
            "  failed delete gone/4 (3 attempts): refused\\nnot a line of its own",
            "  ... and 2 more failures");
  }

  @Test
  void executorsGetAFilesystemDestinationAsAnAbsolutePath() {
    String relative = "relative/export";
    String forExecutors = SparkExporter.forExecutors(Location.parse(relative), relative);
    assertThat(Path.of(forExecutors)).isAbsolute().isEqualTo(Path.of(relative).toAbsolutePath());
    assertThat(Location.parse(forExecutors)).isEqualTo(Location.parse(relative));
    String uri = "file:///tmp/a%20b";
    assertThat(Location.parse(SparkExporter.forExecutors(Location.parse(uri), uri)))
        .isEqualTo(Location.parse(uri));
    String bucket = "s3://bucket/export?versionId=kept";
    assertThat(SparkExporter.forExecutors(Location.parse(bucket), bucket)).isEqualTo(bucket);
  }
}
