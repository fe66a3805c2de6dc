package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOrderTest {

  /** The order of the keys' UTF-8 bytes, compared unsigned, as lakeFS and S3 list them. */
  private static int byBytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keysSortAsTheirUtf8BytesDoWhereJavasOrderDiffers() {
    String emoji = "k\uD83D\uDE00";
    String fullwidth = "k\uFF01";
    assertThat(emoji.compareTo(fullwidth)).as("Java's UTF-16 order").isNegative();
    assertThat(KeyOrder.compare(emoji, fullwidth)).isPositive();
    assertThat(KeyOrder.compare(fullwidth, emoji)).isNegative();
    var keys =
        new ArrayList<>(
            List.of(
                emoji, fullwidth, "k", "k/a", "k-a", "ka", "k\u00e9", "k\uD83D\uDE01", "", "k/"));
    var expected = new ArrayList<>(keys);
    expected.sort(KeyOrderTest::byBytes);
    keys.sort(KeyOrder::compare);
    assertThat(keys).containsExactlyElementsOf(expected);
    assertThat(KeyOrder.compare("same", "same")).isZero();
  }
}
