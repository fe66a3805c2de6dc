package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static final Workspace.Contents SMALL = new Workspace.Contents(20_000, 700_000_000L);
  private static final Scenario SMALL_S3_TO_S3 =
      new Scenario(
          new Dataset(
              "small", "small", new Place(Side.S3, "src/small"), "c1", null, null, null, null),
          Side.S3,
          Side.S3);

  @Test
  void theRatioOfMediansComesWithEachRoundsOwnRatio() {
    var records = new ArrayList<RunRecord>();
    // Round by round: the exporter's seconds, rclone's seconds.
    double[][] rounds = {{5.0, 10.5}, {5.2, 9.0}, {4.9, 10.0}};
    for (int i = 0; i < rounds.length; i++) {
      records.add(run(Report.CLI, i + 1, rounds[i][0]));
      records.add(run("rclone", i + 1, rounds[i][1]));
    }
    var report = new Report(records, null, Profile.full(), Map.of());

    assertThat(report.targets())
        .containsExactly(
            "small S3Proxy -> S3Proxy: exporter 4000.0 objects/s vs rclone 2000.0 objects/s ="
                + " 2.00x (target 2.0x): met; run by run 1.73-2.10x, at the target in 2 of 3");
  }

  @Test
  void aFailedRunCountsInNoMedianAndMakesTheTargetLineInvalid() {
    var records = new ArrayList<RunRecord>();
    double[][] rounds = {{5.0, 10.5}, {5.2, 9.0}, {4.9, 10.0}, {0.1, 10.0}};
    for (int i = 0; i < rounds.length; i++) {
      // The last exporter run did nothing in a tenth of a second, and its check caught it.
      records.add(run(SMALL_S3_TO_S3, Report.CLI, i + 1, rounds[i][0], i == 3 ? 1 : 0));
      records.add(run("rclone", i + 1, rounds[i][1]));
    }
    var report = new Report(records, null, Profile.full(), Map.of());

    assertThat(report.targets())
        .containsExactly(
            "small S3Proxy -> S3Proxy: exporter 4000.0 objects/s vs rclone 2000.0 objects/s ="
                + " 2.00x (target 2.0x): INVALID: 1 of 4 exporter runs failed; run by run"
                + " 1.73-2.10x, at the target in 2 of 3");
    assertThat(report.markdown()).contains("| exporter (CLI) | 5.00 | 4000 |").contains("| 3/4 |");
  }

  @Test
  void ratesComeFromTheMedianWallTimeWithAnEvenNumberOfRuns() {
    var records =
        List.of(
            run(Report.CLI, 1, 4.0),
            run("rclone", 1, 10.0),
            run(Report.CLI, 2, 6.0),
            run("rclone", 2, 10.0));
    var report = new Report(records, null, Profile.full(), Map.of());

    // 20,000 objects in a median of 5.00 s: 4000 objects/s, not the runs' 5000 and 3333 averaged.
    assertThat(report.markdown()).contains("| exporter (CLI) | 5.00 | 4000 | 133.5 |");
    assertThat(report.targets().get(0))
        .startsWith("small S3Proxy -> S3Proxy: exporter 4000.0 objects/s vs rclone 2000.0");
  }

  @Test
  void runsThatSharedTheMachineWithOtherLoadAreNamed() {
    var records =
        List.of(
            run(SMALL_S3_TO_S3, Report.CLI, 1, 5.0, 0, 0.2),
            run(SMALL_S3_TO_S3, "rclone", 1, 10.0, 0, 1.2),
            // The wrapper's and the kernel's share of a short quiet run: not other load.
            run(SMALL_S3_TO_S3, Report.CLI, 2, 2.0, 0, 0.3),
            run(SMALL_S3_TO_S3, "rclone", 2, 10.0, 0, 0.9));
    var report = new Report(records, null, Profile.full(), Map.of());

    assertThat(report.otherLoad())
        .containsExactly("small S3Proxy -> S3Proxy, rclone, run 1: 1.2 s of other CPU in 10.00 s");
    assertThat(report.markdown()).contains("## Other load on the machine");
    assertThat(records.get(0).csv()).endsWith(",true,0.200");
  }

  @Test
  void aRerunIsReportedInObjectsCheckedAgainstRcloneAndAFullExportWithoutBytes() {
    var again =
        new Scenario(SMALL_S3_TO_S3.dataset().again(), SMALL_S3_TO_S3.from(), SMALL_S3_TO_S3.to());
    var records =
        List.of(
            run(SMALL_S3_TO_S3, Report.CLI, 1, 10.0),
            run(again, Report.CLI, 1, 2.0),
            run(again, "rclone", 1, 5.0));
    var report = new Report(records, null, Profile.full(), Map.of());

    assertThat(report.targets())
        .contains(
            "again S3Proxy -> S3Proxy: the exporter checked 20000 objects already there in 2.00"
                + " s (10000 objects/s), rclone copy --checksum in 5.00 s (the exporter at 2.50x"
                + " its objects/s); 0.200 of the 10.00 s a full export takes; no target");
    assertThat(report.markdown())
        .contains("every one at the destination already")
        .contains("| rclone | 5.00 | 4000 | - |");
  }

  @Test
  void spreadGivesTheRangeOfTheRunsAndHowManyReachedTheTarget() {
    assertThat(Report.spread(List.of(1.9, 2.2, 1.64, 2.0), 2.0))
        .isEqualTo("; run by run 1.64-2.20x, at the target in 2 of 4");
  }

  @Test
  void oneRunHasNoSpread() {
    assertThat(Report.spread(List.of(1.9), 2.0)).isEmpty();
    assertThat(Report.spread(List.of(), 2.0)).isEmpty();
  }

  private static RunRecord run(String tool, int run, double seconds) {
    return run(SMALL_S3_TO_S3, tool, run, seconds);
  }

  private static RunRecord run(Scenario scenario, String tool, int run, double seconds) {
    return run(scenario, tool, run, seconds, 0);
  }

  private static RunRecord run(
      Scenario scenario, String tool, int run, double seconds, int exitCode) {
    return run(scenario, tool, run, seconds, exitCode, 0.0);
  }

  private static RunRecord run(
      Scenario scenario, String tool, int run, double seconds, int exitCode, double otherCpu) {
    return new RunRecord(
        scenario,
        tool,
        run,
        new Measured(seconds, 1.0, 100_000, exitCode),
        SMALL.objects(),
        SMALL,
        SMALL,
        1.0,
        Double.NaN,
        0,
        null,
        otherCpu);
  }
}
