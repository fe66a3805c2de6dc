package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartLimitsTest {

  private static final long MIB = 1 << 20;
  private final PartLimits s3 = new PartLimits(5 * MIB, 5L << 30, 10_000);

  @Test
  void thePreferredSizeIsClampedToTheLimits() {
    assertThat(s3.partSizeFor(100 * MIB, MIB)).isEqualTo(5 * MIB);
    assertThat(s3.partSizeFor(100 * MIB, 16 * MIB)).isEqualTo(16 * MIB);
    assertThat(s3.partSizeFor(100 * MIB, 10L << 30)).isEqualTo(5L << 30);
  }

  @Test
  void partsGrowSoThatNoUploadNeedsMoreThanTheMaximum() {
    long size = 1L << 40; // 1 TiB
    long part = s3.partSizeFor(size, 16 * MIB);
    assertThat((size + part - 1) / part).isLessThanOrEqualTo(10_000);
  }

  @Test
  void tooLargeObjectsAreRefused() {
    assertThatThrownBy(() -> s3.partSizeFor(60L << 40, 16 * MIB))
        .hasMessageContaining("10000 parts");
  }
}
