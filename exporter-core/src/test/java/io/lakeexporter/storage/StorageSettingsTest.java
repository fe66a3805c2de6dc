package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageSettingsTest {

  @Test
  void typedValues() {
    var s =
        StorageSettings.of(
            Map.of(
                "a", "64MiB", "b", "8k", "c", "true", "d", "30s", "e", "250ms", "f", "12", "g",
                " "));
    assertThat(s.getBytes("a", 0)).isEqualTo(64L << 20);
    assertThat(s.getBytes("b", 0)).isEqualTo(8192);
    assertThat(s.getBoolean("c", false)).isTrue();
    assertThat(s.getDuration("d", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.getDuration("e", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(s.getDuration("f", Duration.ZERO)).isEqualTo(Duration.ofSeconds(12));
    assertThat(s.get("g")).isEmpty();
    assertThat(s.getInt("missing", 7)).isEqualTo(7);
    assertThat(s.first("missing", "f")).contains("12");
  }

  @Test
  void badValuesNameTheKey() {
    var s = StorageSettings.of(Map.of("n", "lots", "b", "yes"));
    assertThatThrownBy(() -> s.getLong("n", 0)).hasMessageContaining("n must be a number");
    assertThatThrownBy(() -> s.getBoolean("b", false))
        .hasMessageContaining("b must be true or false");
    // Shown as given, not as parsed.
    var sizes = StorageSettings.of(Map.of("p", " 16 parsecs", "d", "5 minutes"));
    assertThatThrownBy(() -> sizes.getBytes("p", 0))
        .hasMessage("setting p must be a number, not '16 parsecs'");
    assertThatThrownBy(() -> sizes.getDuration("d", Duration.ZERO))
        .hasMessage("setting d must be a number, not '5 minutes'");
    // Every duration is a timeout or a wait.
    var negative = StorageSettings.of(Map.of("t", "-5", "u", "-250ms", "z", "0s"));
    assertThatThrownBy(() -> negative.getDuration("t", Duration.ZERO))
        .hasMessage("setting t must be a duration of 0 or more, not '-5'");
    assertThatThrownBy(() -> negative.getDuration("u", Duration.ZERO))
        .hasMessage("setting u must be a duration of 0 or more, not '-250ms'");
    assertThat(negative.getDuration("z", Duration.ofSeconds(1))).isZero();
  }

  @Test
  void toStringShowsKeysNeverValues() {
    var s = StorageSettings.of(Map.of("fs.s3a.secret.key", "hunter2"));
    assertThat(s.toString()).contains("fs.s3a.secret.key").doesNotContain("hunter2");
  }

  @Test
  void overlayAndPrefix() {
    var base = StorageSettings.of(Map.of("x.a", "1", "x.b", "2", "y", "3"));
    var over = base.overlay(StorageSettings.of(Map.of("x.a", "9")));
    assertThat(over.withPrefix("x.")).containsExactly(Map.entry("a", "9"), Map.entry("b", "2"));
  }
}
