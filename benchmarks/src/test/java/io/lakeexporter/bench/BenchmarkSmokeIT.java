package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.testing.TestTools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole benchmark on tiny datasets, once: every tool on every scenario it can do, the planning
 * benchmark, the report. It fails when any tool fails or leaves the wrong objects, so the harness
 * cannot rot; its numbers mean nothing.
 */
class BenchmarkSmokeIT {

  @TempDir Path work;

  @Test
  void everyToolRunsEveryScenarioItCanAndTheReportSaysSo() throws Exception {
    Path out = work.resolve("results");
    boolean ok =
        BenchmarkMain.run(
            TestTools.projectRoot(),
            harnessClasspath(),
            Profile.smoke(),
            out,
            work.resolve("workspace"),
            BenchmarkMain.Selection.ALL,
            Workspace.S3Store.FILESYSTEM,
            true);

    List<String> raw = Files.readAllLines(out.resolve("smoke-raw.csv"));
    assertThat(raw.get(0)).isEqualTo(RunRecord.csvHeader());
    assertThat(raw.subList(1, raw.size()))
        .allSatisfy(line -> assertThat(column(raw, line, "ok")).isEqualTo("true"));
    assertThat(ok).isTrue();
    // 4 scenarios of small objects, 4 of large, 2 of diffs, 2 re-runs; tools by what each can do.
    assertThat(rows(raw, "small local -> local,")).hasSize(4);
    assertThat(rows(raw, "small S3Proxy -> S3Proxy,")).hasSize(4);
    assertThat(rows(raw, "small S3Proxy -> local,")).hasSize(4);
    assertThat(rows(raw, "small local -> Azurite,")).hasSize(3);
    assertThat(rows(raw, "large S3Proxy -> local,")).hasSize(5);
    assertThat(rows(raw, "diff local -> local,")).hasSize(3);
    assertThat(rows(raw, "diff S3Proxy -> S3Proxy,")).hasSize(4);
    // Each re-run found a few objects stale and rewrote exactly those: cp -r has no part there.
    String stale = String.valueOf(StaleObjects.COUNT);
    assertThat(rows(raw, "again local -> local,"))
        .hasSize(3)
        .allSatisfy(line -> assertThat(column(raw, line, "rewritten_objects")).isEqualTo(stale));
    assertThat(rows(raw, "again S3Proxy -> S3Proxy,"))
        .hasSize(4)
        .allSatisfy(line -> assertThat(column(raw, line, "rewritten_objects")).isEqualTo(stale));
    assertThat(raw).hasSize(1 + 4 + 4 + 4 + 3 + 4 + 4 + 5 + 3 + 3 + 4 + 3 + 4);

    String report = Files.readString(out.resolve("smoke-results.md"));
    assertThat(report)
        .contains("## Targets")
        .contains("| exporter (CLI) |")
        .contains("| parallel ranged GETs |")
        .contains("again S3Proxy -> S3Proxy: the exporter checked")
        .contains("planning " + Profile.smoke().planningEntries() + " objects under -Xmx256m: met");
  }

  /**
   * S3Proxy in memory: the destinations are counted and cleared through S3 there, not in a
   * directory. The check after each run and the second round on a cleared destination fail when
   * either is wrong.
   */
  @Test
  void theInMemoryS3ProxyServesTheS3ScenariosAlike() throws Exception {
    Path out = work.resolve("results");
    boolean ok =
        BenchmarkMain.run(
            TestTools.projectRoot(),
            harnessClasspath(),
            // A warm-up of each tool too: the full profile's way, which records the class archive.
            Profile.smoke().withRuns(2).withWarmups(1),
            out,
            work.resolve("workspace"),
            new BenchmarkMain.Selection("small S3Proxy -> S3Proxy", "CLI,rclone"),
            Workspace.S3Store.MEMORY,
            false);

    List<String> raw = Files.readAllLines(out.resolve("smoke-raw.csv"));
    assertThat(ok).isTrue();
    // two runs of each tool, each checked at a destination the run before left cleared; the
    // warm-ups are checked but not recorded
    assertThat(rows(raw, "small S3Proxy -> S3Proxy,"))
        .hasSize(4)
        .allSatisfy(line -> assertThat(column(raw, line, "ok")).isEqualTo("true"));
    assertThat(raw).hasSize(1 + 4);
    assertThat(Files.readString(out.resolve("smoke-results.md"))).contains("S3Proxy (in memory)");
  }

  /** The class path the harness runs its own helpers with (the build passes its parts). */
  private static String harnessClasspath() throws IOException {
    return System.getProperty("harness.classes")
        + File.pathSeparator
        + Files.readString(Path.of(System.getProperty("harness.classpath.file"))).strip();
  }

  /** The value of the named column in a line of the raw CSV, whose first line is the header. */
  private static String column(List<String> raw, String line, String name) {
    int index = List.of(raw.get(0).split(",")).indexOf(name);
    assertThat(index).as("column %s", name).isNotNegative();
    return line.split(",", -1)[index];
  }

  private static List<String> rows(List<String> raw, String scenario) {
    return raw.stream().filter(line -> line.startsWith(scenario)).toList();
  }
}
