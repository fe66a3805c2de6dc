package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.copy.CopyStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundSummaryTest {

  /**
   * A diff's round is its deletes plus its copies: the sum held only the strategies some copy took,
   * so a caller's {@code copiedBy().get(SERVER_SIDE)} found null where a full export's found 0.
   */
  @Test
  void copiedByHoldsEveryStrategyWhateverItWasGivenOrSummedFrom() {
    var deletes = new RoundSummary(1, RoundSummary.Status.SUCCEEDED, 0, 2, 0, 0, Map.of());
    var copies =
        new RoundSummary(
            1, RoundSummary.Status.SUCCEEDED, 1, 0, 0, 5, Map.of(CopyStrategy.STREAM, 1L));

    for (RoundSummary summary : new RoundSummary[] {deletes, copies, deletes.plus(copies)}) {
      assertThat(summary.copiedBy()).containsOnlyKeys(CopyStrategy.values());
    }
    RoundSummary both = deletes.plus(copies);
    assertThat(both.copiedBy().get(CopyStrategy.SERVER_SIDE)).isZero();
    assertThat(both.copiedBy().get(CopyStrategy.STREAM)).isEqualTo(1L);
    assertThat(both)
        .isEqualTo(
            new RoundSummary(
                1,
                RoundSummary.Status.SUCCEEDED,
                1,
                2,
                0,
                5,
                Map.of(CopyStrategy.STREAM, 1L, CopyStrategy.SERVER_SIDE, 0L)));
  }
}
