package io.lakeexporter.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.plan.Action;
import io.lakeexporter.report.PlanTotals;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ListingPassTest {

  private static final List<Action> LISTING =
      List.of(
          Action.copyOf("a/part-0", 10, 1),
          Action.copyOf("a/_SUCCESS", 0, 3),
          Action.delete("b/old", 1),
          Action.copyOf("b/part-0", 7, 1),
          Action.copyOf("b/_delta_log/0.json", 5, 2),
          Action.copyOf("b/_SUCCESS", 0, 3));

  @Test
  void talliesEveryRoundAndKeepsTheLaterRoundsInListingOrder() {
    var pass = new ListingPass(3, 10);
    LISTING.forEach(pass);

    assertThat(pass.totals().rounds())
        .containsExactly(
            new PlanTotals.RoundTotals(1, 2, 1, 17),
            new PlanTotals.RoundTotals(2, 1, 0, 5),
            new PlanTotals.RoundTotals(3, 2, 0, 0));
    assertThat(pass.keptLaterRounds()).isTrue();
    assertThat(pass.keptActionsOfRound(2).map(Action::path)).containsExactly("b/_delta_log/0.json");
    assertThat(pass.keptActionsOfRound(3).map(Action::path))
        .containsExactly("a/_SUCCESS", "b/_SUCCESS");
    assertThatThrownBy(() -> pass.keptActionsOfRound(1)).hasMessageContaining("round 1");
  }

  @Test
  void keepsNothingOncePastItsLimitSoMemoryStaysBounded() {
    var pass = new ListingPass(3, 2);
    LISTING.forEach(pass);

    assertThat(pass.keptLaterRounds()).isFalse();
    assertThatThrownBy(() -> pass.keptActionsOfRound(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("round 3 were not kept");
    assertThat(pass.totals().copies()).as("the totals are still whole").isEqualTo(5);
  }

  @Test
  void countConsumesAndClosesTheListing() {
    boolean[] closed = {false};
    PlanTotals totals =
        ListingPass.over(3, 0, LISTING.stream().onClose(() -> closed[0] = true)).totals();

    assertThat(totals.copies()).isEqualTo(5);
    assertThat(totals.deletes()).isEqualTo(1);
    assertThat(totals.bytes()).isEqualTo(22);
    assertThat(closed[0]).isTrue();
    assertThat(ListingPass.over(1, 0, Stream.empty()).totals().rounds()).hasSize(1);
  }
}
