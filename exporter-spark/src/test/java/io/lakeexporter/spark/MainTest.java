package io.lakeexporter.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void theSeedsArgumentsParse() {
    assertThat(Main.parse(new String[] {"repo", "s3://b/x", "--branch=main"}))
        .isEqualTo(
            new Main.Arguments("repo", "s3://b/x", "main", null, null, Main.DEFAULT_CONCURRENCY));
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
  }
}
