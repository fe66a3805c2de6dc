package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.copy.CopySettings;
import io.lakeexporter.exec.SourceMode;
import io.lakeexporter.filter.GlobRoundFilter;
import io.lakeexporter.filter.SparkFilter;
import java.util.List;
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
}
