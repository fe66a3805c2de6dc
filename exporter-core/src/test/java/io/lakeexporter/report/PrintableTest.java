package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void controlAndLineBreakingCharactersAreWrittenOut() {
    assertThat(Printable.line("plain/ünï code #1.csv")).isEqualTo("plain/ünï code #1.csv");
    assertThat(Printable.line("a\nb\rc\td\u0001e\u007ff\u0085g\u2028h"))
        .isEqualTo("a\\nb\\rc\\td\\u0001e\\u007ff\\u0085g\\u2028h")
        .doesNotContain("\n", "\r", "\u2028");
  }

  @Test
  void bytesAndTenthsReadAsTheFormattersWouldWhateverTheLocale() {
    assertThat(Printable.bytes(224)).isEqualTo("224 B");
    assertThat(Printable.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(Printable.bytes(1536)).isEqualTo("1.5 KiB");
    for (double v : new double[] {0, 0.04, 0.05, 0.95, 1.25, 9.96, 12.34, 1023.96, -0.04, -1.25}) {
      assertThat(Printable.tenths(v))
          .as("%s with one decimal", v)
          .isEqualTo(String.format(Locale.ROOT, "%.1f", v).replace("-0.0", "0.0"));
    }
  }
}
