package io.lakeexporter.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SparkFilterTest {

  private final SparkFilter filter = new SparkFilter();

  @ParameterizedTest
  @ValueSource(
      strings = {"_SUCCESS", "table/_SUCCESS", "a/b/c/_SUCCESS", "date=2024-01-01/_SUCCESS"})
  void markersGoLast(String key) {
    assertThat(filter.rounds()).isEqualTo(2);
    assertThat(filter.roundForKey(key)).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "_SUCCESS.crc",
        "table/_SUCCESS.crc",
        "table/._SUCCESS.crc",
        "table/x_SUCCESS",
        "table/_SUCCESS/part-0",
        "_SUCCESSFUL",
        "table/_success",
        "table/part-00000.parquet",
        "SUCCESS",
        "table/ _SUCCESS"
      })
  void lookAlikesAndDataGoFirst(String key) {
    assertThat(filter.roundForKey(key)).isEqualTo(1);
  }
}
