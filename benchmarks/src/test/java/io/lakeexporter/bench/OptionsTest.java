package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void aScenarioSelectionThatMatchesNothingFailsNamingTheScenarios() {
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--only", "nonsense"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--only 'nonsense' matches none of the scenarios: small local ->")
        .hasMessageContaining("again S3Proxy -> S3Proxy");
  }

  @Test
  void oneTextOfSeveralThatMatchesNothingFails() {
    assertThatThrownBy(
            () ->
                BenchmarkMain.Options.parse(
                    new String[] {"--only", "small local -> local,smal S3"}))
        .hasMessageStartingWith("--only 'smal S3' matches none of the scenarios");
  }

  @Test
  void aToolSelectionThatMatchesNothingFailsNamingTheTools() {
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--tool", "foo"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--tool 'foo' matches none of the tools: exporter (CLI), exporter (Spark local[2]),"
                + " rclone, aws s3, cp -r, parallel ranged GETs");
  }

  @Test
  void runsMustBeAPositiveWholeNumber() {
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--runs", "abc"}))
        .hasMessage("--runs needs a whole number, not 'abc'");
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--runs", "0"}))
        .hasMessage("runs must be at least 1, not 0");
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--runs"}))
        .hasMessage("--runs needs a value");
    assertThatThrownBy(() -> BenchmarkMain.Options.parse(new String[] {"--bogus"}))
        .hasMessageStartingWith("unknown argument '--bogus'");
  }

  @Test
  void aSelectionThatMatchesParsesWithItsCounts() {
    var options =
        BenchmarkMain.Options.parse(
            new String[] {
              "--only", "S3Proxy -> local", "--tool", "CLI,rclone", "--runs", "5", "--warmups", "0"
            });

    assertThat(options.selection())
        .isEqualTo(new BenchmarkMain.Selection("S3Proxy -> local", "CLI,rclone"));
    assertThat(options.profile().runs()).isEqualTo(5);
    assertThat(options.profile().warmups()).isZero();
  }
}
