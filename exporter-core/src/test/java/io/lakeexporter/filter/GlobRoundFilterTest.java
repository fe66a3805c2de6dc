package io.lakeexporter.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobRoundFilterTest {

  @Test
  void theSparkSpecBehavesLikeTheSparkFilter() {
    var globs = GlobRoundFilter.parse(";**/_SUCCESS");
    var spark = new SparkFilter();
    for (String key :
        List.of(
            "_SUCCESS",
            "t/_SUCCESS",
            "t/_SUCCESS.crc",
            "t/p.parquet",
            "x_SUCCESS",
            "a/b/_SUCCESS")) {
      assertThat(globs.roundForKey(key)).as(key).isEqualTo(spark.roundForKey(key));
    }
    assertThat(globs.rounds()).isEqualTo(2);
  }

  @Test
  void deltaLogsLast() {
    var filter = GlobRoundFilter.parse(";_delta_log/**,**/_delta_log/**");
    assertThat(filter.roundForKey("tbl/part-0.parquet")).isEqualTo(1);
    assertThat(filter.roundForKey("tbl/_delta_log/00000.json")).isEqualTo(2);
    assertThat(filter.roundForKey("_delta_log/00000.json")).isEqualTo(2);
    assertThat(filter.roundForKey("tbl/_delta_logs/x")).isEqualTo(1);
  }

  @Test
  void firstMatchingRoundWinsAndTheEmptyRoundCatchesTheRest() {
    var filter =
        GlobRoundFilter.of(List.of(List.of("*.manifest"), List.of(), List.of("**/*.manifest")));
    assertThat(filter.roundForKey("top.manifest")).isEqualTo(1);
    assertThat(filter.roundForKey("dir/deep.manifest")).isEqualTo(3);
    assertThat(filter.roundForKey("dir/data.csv")).isEqualTo(2);
  }

  @Test
  void withoutACatchAllUnmatchedKeysGoToRoundOne() {
    var filter = GlobRoundFilter.of(List.of(List.of("a/*"), List.of("b/*")));
    assertThat(filter.roundForKey("b/x")).isEqualTo(2);
    assertThat(filter.roundForKey("c/x")).isEqualTo(1);
  }

  @Test
  void globSyntax() {
    assertThat(GlobRoundFilter.compile("*.csv").matcher("a.csv").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("*.csv").matcher("d/a.csv").matches()).isFalse();
    assertThat(GlobRoundFilter.compile("**.csv").matcher("d/a.csv").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("d/?.csv").matcher("d/a.csv").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("d/?.csv").matcher("d/ab.csv").matches()).isFalse();
    assertThat(GlobRoundFilter.compile("a+b(1).[x]").matcher("a+b(1).[x]").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("**/m").matcher("m").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("**/m").matcher("x/y/m").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("**/m").matcher("xm").matches()).isFalse();
    // "**/" is "any directories, or none" only where a segment starts.
    assertThat(GlobRoundFilter.compile("t/**/m").matcher("t/m").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("t2**/m").matcher("t2/m").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("t2**/m").matcher("t2m").matches()).isFalse();
    assertThat(GlobRoundFilter.compile("t2**/m").matcher("t2x/m").matches()).isTrue();
    // A backslash takes the next character as it is.
    assertThat(GlobRoundFilter.compile("a\\*b").matcher("a*b").matches()).isTrue();
    assertThat(GlobRoundFilter.compile("a\\*b").matcher("axb").matches()).isFalse();
    assertThat(GlobRoundFilter.compile("a\\?b").matcher("axb").matches()).isFalse();
    assertThat(GlobRoundFilter.compile("a\\\\b").matcher("a\\b").matches()).isTrue();
  }

  @Test
  void keysWithCommasAndSemicolonsAreMatchedThroughBackslashes() {
    var filter = GlobRoundFilter.parseStrict(";comma/a\\,b,semi/a\\;b;**/_SUCCESS");
    assertThat(filter.rounds()).isEqualTo(3);
    assertThat(filter.globs().get(1)).containsExactly("comma/a\\,b", "semi/a\\;b");
    assertThat(filter.roundForKey("comma/a,b")).isEqualTo(2);
    assertThat(filter.roundForKey("semi/a;b")).isEqualTo(2);
    assertThat(filter.roundForKey("comma/a")).isEqualTo(1);
    assertThat(filter.roundForKey("t/_SUCCESS")).isEqualTo(3);
    assertThat(GlobRoundFilter.parseStrict(";br/a\\[1\\]").roundForKey("br/a[1]")).isEqualTo(2);
  }

  @Test
  void emptySpecsAreRefused() {
    assertThatThrownBy(() -> GlobRoundFilter.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(GlobRoundFilter.parse("").rounds()).isEqualTo(1);
  }

  @Test
  void aStrictSpecIsTheSameFilter() {
    var filter = GlobRoundFilter.parseStrict(";**/*.manifest;**/_SUCCESS");
    assertThat(filter.globs())
        .isEqualTo(GlobRoundFilter.parse(";**/*.manifest;**/_SUCCESS").globs());
    assertThat(filter.roundForKey("t/p.parquet")).isEqualTo(1);
    assertThat(filter.roundForKey("t/m.manifest")).isEqualTo(2);
    assertThat(filter.roundForKey("t/_SUCCESS")).isEqualTo(3);
  }

  @Test
  void aStrictSpecRefusesWhatWouldSurprise() {
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the round spec is empty");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(";_SUCCESS;"))
        .hasMessage(
            "round 3 has no patterns, but round 1 already takes every key no pattern matches");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict("**;"))
        .hasMessage(
            "pattern '**' of round 1 takes every key, so the rounds after it would stay empty;"
                + " '**' alone is one round, all at once");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(";_SUCCESS,**"))
        .hasMessageContaining("pattern '**' of round 2 takes every key, so the empty round");
    assertThat(GlobRoundFilter.parseStrict("**").rounds()).isEqualTo(1);
    assertThat(GlobRoundFilter.parseStrict("**/x;").rounds()).isEqualTo(2);
    assertThat(GlobRoundFilter.parseStrict("_delta_log/**;**").roundForKey("a/b"))
        .as("'**' last, as a catch-all")
        .isEqualTo(2);
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(","))
        .hasMessageStartingWith("the round spec has no patterns");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict("**/*;**/_SUCCESS"))
        .hasMessage(
            "pattern '**/*' of round 1 takes every key, so the rounds after it would stay empty;"
                + " '**' alone is one round, all at once");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(";x,**/**/*"))
        .hasMessageContaining("pattern '**/**/*' of round 2 takes every key, so the empty round");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict("a;a"))
        .hasMessage("pattern 'a' of round 2 is in round 1 already, which takes its keys first");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(";**/_SUCCESS;**/_SUCCESS"))
        .hasMessage(
            "pattern '**/_SUCCESS' of round 3 is in round 2 already, which takes its keys first");
    assertThat(GlobRoundFilter.parseStrict("*;**/_SUCCESS").rounds())
        .as("'*' takes only keys at the root")
        .isEqualTo(2);
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict(";**/*.{crc,json}"))
        .hasMessageContaining("glob '**/*.{crc' uses {} or []");
    assertThatThrownBy(() -> GlobRoundFilter.parseStrict("**/[ab].csv;"))
        .hasMessageContaining("glob '**/[ab].csv' uses {} or []");
  }
}
