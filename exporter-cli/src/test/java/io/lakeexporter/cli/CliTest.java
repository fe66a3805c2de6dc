package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  @TempDir static Path work;
  private static StorageRegistry storage;
  private static LakeFsEmulator emulator;
  private static String firstCommit;
  private static String secondCommit;

  @TempDir Path out;

  /** What one run printed and returned. */
  record Run(int code, String stdout, String stderr) {}

  @BeforeAll
  static void start() throws IOException {
    storage =
        StorageRegistry.discover(
            StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, work.toString())));
    emulator = LakeFsEmulator.builder().storage(storage).start();
    String[] commits = DemoCommand.seed(emulator);
    firstCommit = commits[0];
    secondCommit = commits[1];
  }

  @AfterAll
  static void stop() throws IOException {
    emulator.close();
    storage.close();
  }

  private static Run run(Map<String, String> env, String... args) {
    var stdout = new StringWriter();
    var stderr = new StringWriter();
    int code =
        Main.run(
            args,
            new PrintWriter(stdout, true),
            new PrintWriter(stderr, true),
            new Main.Environment(env, work.resolve("no-lakectl.yaml")));
    return new Run(code, stdout.toString(), stderr.toString());
  }

  private static Map<String, String> lakectlEnv() {
    return Map.of(
        "LAKECTL_SERVER_ENDPOINT_URL", emulator.apiUrl(),
        "LAKECTL_CREDENTIALS_ACCESS_KEY_ID", emulator.accessKeyId(),
        "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", emulator.secretAccessKey());
  }

  private Run export(String... extra) {
    var args =
        new ArrayList<>(List.of("export", DemoCommand.REPOSITORY, out.toString(), "--no-progress"));
    args.addAll(List.of(extra));
    return run(lakectlEnv(), args.toArray(String[]::new));
  }

  private static List<String> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void demoLeavesTheExpectedTreeAndStatusFiles() throws IOException {
    Path dest = out.resolve("demo");
    for (int attempt = 0; attempt < 2; attempt++) {
      Run r = run(Map.of(), "demo", "--to", dest.toString());
      assertThat(r.code()).as(r.stderr()).isZero();
      assertThat(r.stdout()).contains("Exported the first commit").contains("Exported the changes");
    }
    List<String> files = files(dest);
    assertThat(files)
        .contains(
            "README.md",
            "reports/q1 summary (final).txt",
            "tables/events/_SUCCESS",
            "tables/users/_SUCCESS",
            "tables/events/date=2024-01-03/part-00000.parquet")
        .doesNotContain("docs/old-notes.txt", "scratch/draft.txt");
    assertThat(Files.readString(dest.resolve("config/settings.json"))).contains("90");
    List<String> statusFiles = files.stream().filter(f -> f.startsWith("EXPORT_")).toList();
    // Each demo run seeds a fresh repository, so each leaves its own two status files.
    assertThat(statusFiles).hasSize(4).allMatch(f -> f.endsWith("_SUCCESS"));
    for (String f : statusFiles) {
      JsonNode json = new ObjectMapper().readTree(dest.resolve(f).toFile());
      assertThat(json.get("status").asText()).isEqualTo("SUCCESS");
      String mode = json.get("mode").asText();
      long copied = json.get("totals").get("copied").asLong();
      if (mode.equals("commit")) {
        assertThat(copied).isEqualTo(11);
      } else {
        assertThat(mode).isEqualTo("diff");
        assertThat(copied).isEqualTo(2);
        assertThat(json.get("totals").get("deleted").asLong()).isEqualTo(1);
      }
    }
  }

  @Test
  void branchCommitAndDiffExports() throws IOException {
    Run branch = export("--branch=main");
    assertThat(branch.code()).as(branch.stderr()).isZero();
    assertThat(branch.stdout()).contains("Exported").contains("status file");
    assertThat(out.resolve("EXPORT_" + secondCommit + "_SUCCESS")).exists();
    assertThat(files(out))
        .contains("tables/events/date=2024-01-03/part-00000.parquet")
        .doesNotContain("scratch/draft.txt");

    Run commit = export("--commit_id=" + firstCommit.substring(0, 10));
    assertThat(commit.code()).as(commit.stderr()).isZero();
    assertThat(out.resolve("EXPORT_" + firstCommit + "_SUCCESS")).exists();

    Run diff = export("--branch=main", "--prev_commit_id=" + firstCommit);
    assertThat(diff.code()).as(diff.stderr()).isZero();
    assertThat(diff.stdout()).contains("1 deleted");
    assertThat(files(out)).doesNotContain("docs/old-notes.txt");
  }

  @Test
  void aDryRunPrintsCountsAndWritesNothing() throws IOException {
    Run r = export("--branch=main", "--dry-run");
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("Dry run")
        .contains("round 1: 9 to copy")
        .contains("round 2: 2 to copy");
    assertThat(files(out)).isEmpty();
  }

  @Test
  void settingsComeFromAConfigFileToo() throws IOException {
    Path config = out.resolve("../cli.properties").normalize();
    Files.writeString(
        config,
        "lakefs.api.url="
            + emulator.apiUrl()
            + "\nlakefs.api.access_key="
            + emulator.accessKeyId()
            + "\nlakefs.api.secret_key="
            + emulator.secretAccessKey()
            + "\n",
        StandardCharsets.UTF_8);
    Path dest = out.resolve("from-config");
    Run r =
        run(
            Map.of(),
            "export",
            DemoCommand.REPOSITORY,
            dest.toString(),
            "--branch=main",
            "--config",
            config.toString(),
            "--no-progress");
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(dest.resolve("README.md")).exists();
  }

  @Test
  void badUsageExitsTwoWithAHelpfulMessage() {
    assertUsage(export("--branch=main", "--commit_id=abc"), "exclude each other");
    assertUsage(export(), "--branch=B");
    assertUsage(
        export("--commit_id=abc", "--prev_commit_id=def"), "--prev_commit_id needs --branch");
    assertUsage(export("--branch=main", "--bogus"), "Unknown option");
    assertUsage(run(lakectlEnv(), "export", "repo-only", "--branch=main"), "<rootLocation>");
    assertUsage(export("--branch=main", "--concurrency=0"), "--concurrency");
    assertUsage(export("--branch=main", "--part-size=lots"), "--part-size");
    assertUsage(export("--branch=main", "--multipart-threshold=-5"), "--multipart-threshold");
    assertUsage(
        run(Map.of(), "export", "repo", out.toString(), "--branch=main"),
        "lakeFS settings missing");
    assertUsage(export("--branch=main", "--source-mode=telepathy"), "telepathy");
  }

  private static void assertUsage(Run r, String message) {
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains(message).contains("--help");
  }

  @Test
  void unknownRefsAndBadCredentialsExitOneWithDistinctMessages() {
    Run repo =
        run(
            lakectlEnv(),
            "export",
            "no-such-repo",
            out.toString(),
            "--branch=main",
            "--no-progress");
    assertThat(repo.code()).isEqualTo(1);
    assertThat(repo.stderr()).contains("repository 'no-such-repo' not found");
    Run branch = export("--branch=nope");
    assertThat(branch.code()).isEqualTo(1);
    assertThat(branch.stderr()).contains("branch 'nope' not found");
    Run commit = export("--commit_id=deadbeefdeadbeef");
    assertThat(commit.code()).isEqualTo(1);
    assertThat(commit.stderr()).contains("commit 'deadbeefdeadbeef' not found");
    var env = new java.util.HashMap<>(lakectlEnv());
    env.put("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", "not-the-secret");
    Run creds = run(env, "export", DemoCommand.REPOSITORY, out.toString(), "--branch=main");
    assertThat(creds.code()).isEqualTo(1);
    assertThat(creds.stderr())
        .contains("rejected the credentials")
        .doesNotContain("not-the-secret");
  }

  @Test
  void versionAndHelp() {
    Run version = run(Map.of(), "--version");
    assertThat(version.code()).isZero();
    assertThat(version.stdout()).startsWith("lakefs-export ");
    Run help = run(Map.of(), "export", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.stdout()).contains("--prev_commit_id").contains("Exit codes");
  }

  @Test
  void theProgressLineCountsObjectsBytesAndEta() {
    var bar = new ProgressBar(new PrintWriter(new StringWriter()), false);
    bar.planned(
        new io.lakeexporter.report.PlanTotals(
            List.of(new io.lakeexporter.report.PlanTotals.RoundTotals(1, 4, 0, 4096))));
    bar.actionFinished(
        io.lakeexporter.report.ActionOutcome.copied(
            io.lakeexporter.plan.Action.copyOf("k", 1024, 1),
            io.lakeexporter.copy.CopyStrategy.STREAM,
            1024,
            1,
            ""));
    String line = bar.line();
    bar.close();
    assertThat(line).contains("1/4 objects").contains("1.0 KiB / 4.0 KiB").contains("ETA");
    assertThat(ProgressBar.bytes(5L << 30)).isEqualTo("5.0 GiB");
    assertThat(ProgressBar.duration(3725)).isEqualTo("1h02m");
  }
}
