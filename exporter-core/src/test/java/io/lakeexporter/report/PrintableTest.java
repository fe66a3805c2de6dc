package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void controlAndLineBreakingCharactersAreWrittenOut() {
    assertThat(Printable.line("plain/ünï code #1.csv")).isEqualTo("plain/ünï code #1.csv");
    assertThat(Printable.line("a\nb\rc\td\u0001e\u007ff\u0085g\u2028h"))
        .isEqualTo("a\\nb\\rc\\td\\u0001e\\u007ff\\u0085g\\u2028h")
        .doesNotContain("\n", "\r", "\u2028");
  }
}
