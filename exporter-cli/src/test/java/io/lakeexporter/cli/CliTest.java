package io.lakeexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeexporter.copy.CopyStrategy;
import io.lakeexporter.emulator.LakeFsEmulator;
import io.lakeexporter.plan.Action;
import io.lakeexporter.report.ActionOutcome;
import io.lakeexporter.report.PlanTotals;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    DemoCommand.Sample sample = DemoCommand.seed(emulator);
    firstCommit = sample.first();
    secondCommit = sample.second();
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
    var run = new Run(code, stdout.toString(), stderr.toString());
    assertThat(run.stdout() + run.stderr())
        .as("output must not hold the secret access key")
        .doesNotContain(emulator.secretAccessKey());
    return run;
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

  /** Exports the demo's main branch, then flips a bit of {@code changed}: its bytes now. */
  private byte[] exportedThenChanged(Path changed) throws IOException {
    Run first = export("--branch=main");
    assertThat(first.code()).as(first.stderr()).isZero();
    byte[] bytes = Files.readAllBytes(changed);
    bytes[0] ^= 1;
    Files.write(changed, bytes);
    return bytes;
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

  /** The demo's branch HEAD, as a reader of the export must see it. */
  private static final Map<String, String> DEMO_HEAD =
      Map.ofEntries(
          Map.entry("README.md", "# Demo repository\nExported by lakefs-export.\n"),
          Map.entry("config/settings.json", "{\"retention_days\": 90}\n"),
          Map.entry("reports/q1 summary (final).txt", "keys with spaces survive\n"),
          Map.entry(
              "tables/events/date=2024-01-01/part-00000.parquet", "events 2024-01-01 part 0\n"),
          Map.entry(
              "tables/events/date=2024-01-01/part-00001.parquet", "events 2024-01-01 part 1\n"),
          Map.entry(
              "tables/events/date=2024-01-02/part-00000.parquet", "events 2024-01-02 part 0\n"),
          Map.entry(
              "tables/events/date=2024-01-02/part-00001.parquet", "events 2024-01-02 part 1\n"),
          Map.entry(
              "tables/events/date=2024-01-03/part-00000.parquet", "events 2024-01-03 part 0\n"),
          Map.entry("tables/events/_SUCCESS", ""),
          Map.entry("tables/users/part-00000.parquet", "users\n"),
          Map.entry("tables/users/_SUCCESS", ""));

  /** Asserts that {@code dir} holds exactly the demo's HEAD (and status files, when asked). */
  static void assertDemoHead(Path dir) throws IOException {
    List<String> data = files(dir).stream().filter(f -> !f.startsWith("EXPORT_")).toList();
    assertThat(data).containsExactlyInAnyOrderElementsOf(DEMO_HEAD.keySet());
    for (var e : DEMO_HEAD.entrySet()) {
      assertThat(dir.resolve(e.getKey())).as(e.getKey()).hasContent(e.getValue());
    }
  }

  @Test
  void demoRefusesADestinationThatIsNotADirectoryAsBadUsage() throws IOException {
    Run url = run(Map.of(), "demo", "--to", "s3://bucket/demo");
    assertThat(url.code()).as(url.stderr()).isEqualTo(2);
    assertThat(url.stderr())
        .contains("--to takes a local directory, not 's3://bucket/demo'")
        .contains("the export command exports to a store");
    assertThat(Path.of("s3:")).as("no directory named after the scheme").doesNotExist();

    Path file = Files.writeString(out.resolve("demo-file"), "x");
    Run onFile = run(Map.of(), "demo", "--to", file.toString());
    assertThat(onFile.code()).as(onFile.stderr()).isEqualTo(2);
    assertThat(onFile.stderr())
        .contains("cannot export to " + Location.ofPath(file))
        .contains("it is a file, not a directory")
        .doesNotContain("InvalidExportException");
    assertThat(file).hasContent("x");
  }

  @Test
  void demoRefusesADirectoryWithFilesOfTheUsersAndAnEmptyTo() throws IOException {
    Path mine = Files.createDirectories(out.resolve("my project/config"));
    Files.writeString(mine.resolveSibling("README.md"), "my readme");
    Files.writeString(mine.resolve("settings.json"), "{}");
    Files.writeString(mine.resolveSibling("notes.txt"), "mine");
    Run withOthers = run(Map.of(), "demo", "--to", mine.getParent().toString());
    assertThat(withOthers.code()).as(withOthers.stderr()).isEqualTo(2);
    assertThat(withOthers.stderr())
        .contains("--to " + mine.getParent() + " holds files that are no earlier demo's")
        .contains("(such as notes.txt)");
    assertThat(withOthers.stdout()).isEmpty();

    // Only names the demo writes, but no export's file at the root: still the user's.
    Files.delete(mine.resolveSibling("notes.txt"));
    Run sameNames = run(Map.of(), "demo", "--to", mine.getParent().toString());
    assertThat(sameNames.code()).as(sameNames.stderr()).isEqualTo(2);
    assertThat(sameNames.stderr()).contains("holds files that are no earlier demo's");
    assertThat(mine.resolveSibling("README.md")).hasContent("my readme");
    assertThat(mine.resolve("settings.json")).hasContent("{}");
    try (var left = Files.list(mine.getParent())) {
      assertThat(left).hasSize(2);
    }

    Run empty = run(Map.of(), "demo", "--to=");
    assertThat(empty.code()).as(empty.stderr()).isEqualTo(2);
    assertThat(empty.stderr()).contains("Invalid value for option '--to': '' is empty");
  }

  /**
   * A root another export holds: the export command and the demo both say so in one line and exit
   * 1, the demo as the export command does rather than with the exception's class name.
   */
  @Test
  void aRootAnotherExportHoldsIsRefusedInOneLineByExportAndDemo() throws IOException {
    Path held = Files.createDirectories(out.resolve("held"));
    Files.writeString(
        held.resolve("EXPORT_RUNNING"),
        "{\"run\": \"5b0c9a1e\", \"repository\": \"analytics\", \"commit_id\": \"9a8b7c6d\","
            + " \"host\": \"worker-3\", \"machine\": \"\", \"pid\": 41872, \"started_at\":"
            + " \"2026-11-28T21:00:00Z\", \"expires_at\": \"2999-01-01T00:00:00Z\","
            + " \"exporter_version\": \"0.9\"}");
    String refusal =
        "export failed: the destination is in use: an export of commit 9a8b7c6d of repository"
            + " 'analytics' (run 5b0c9a1e, exporter 0.9, process 41872 on worker-3)";

    Run export =
        run(
            lakectlEnv(),
            "export",
            DemoCommand.REPOSITORY,
            held.toString(),
            "--branch=main",
            "--no-progress");
    assertThat(export.code()).as(export.stderr()).isEqualTo(1);
    assertThat(export.stderr()).startsWith(refusal);

    // A dry run takes no lease: it sizes the export, and says a run now would be refused.
    Run dry =
        run(
            lakectlEnv(),
            "export",
            DemoCommand.REPOSITORY,
            held.toString(),
            "--branch=main",
            "--dry-run");
    assertThat(dry.code()).as(dry.stderr()).isEqualTo(1);
    assertThat(dry.stdout())
        .contains("round 1: 9 to copy")
        .contains("  a run now would be refused: the destination is in use: an export of commit")
        .contains("Nothing was written.");

    Run demo = run(Map.of(), "demo", "--to", held.toString());
    assertThat(demo.code()).as(demo.stderr()).isEqualTo(1);
    assertThat(demo.stderr()).startsWith(refusal).doesNotContain("Exception");
    try (var left = Files.list(held)) {
      assertThat(left).containsExactly(held.resolve("EXPORT_RUNNING"));
    }
  }

  @Test
  void demoLeavesTheExpectedTreeAndStatusFiles() throws IOException {
    Path dest = out.resolve("demo out");
    var seen = new HashSet<String>();
    for (int attempt = 0; attempt < 2; attempt++) {
      Run r = run(Map.of(), "demo", "--to", dest.toString());
      assertThat(r.code()).as(r.stderr()).isZero();
      assertThat(r.stdout())
          .contains("Exported the first commit")
          .contains("Exported the changes")
          .contains("lakeFS: http://127.0.0.1:")
          .contains("(access key id " + emulator.accessKeyId() + ")")
          .contains("9 copied", "2 copied", "1 deleted");
      assertThat(r.stdout().lines().filter(l -> l.matches(" +EXPORT_\\w+ +\\d+ bytes")))
          .as("the listing names this run's two status files, not an earlier run's")
          .hasSize(2);
      assertDemoHead(dest);

      // Each run seeds a fresh repository: two new commits, two new status files.
      List<String> statusFiles = files(dest).stream().filter(f -> f.startsWith("EXPORT_")).toList();
      assertThat(statusFiles).hasSize(2 * (attempt + 1)).allMatch(f -> f.endsWith("_SUCCESS"));
      for (String f : statusFiles) {
        if (!seen.add(f)) {
          continue;
        }
        JsonNode json = new ObjectMapper().readTree(dest.resolve(f).toFile());
        assertThat(f).isEqualTo("EXPORT_" + json.get("commit_id").asText() + "_SUCCESS");
        assertThat(r.stdout()).contains(json.get("commit_id").asText());
        assertThat(json.get("status").asText()).isEqualTo("SUCCESS");
        JsonNode totals = json.get("totals");
        if (json.get("mode").asText().equals("commit")) {
          assertThat(totals.get("copied").asLong()).isEqualTo(11);
          assertThat(totals.get("deleted").asLong()).isZero();
          assertThat(json.get("rounds").get(1).get("copied").asLong())
              .as("the two _SUCCESS markers, last")
              .isEqualTo(2);
        } else {
          assertThat(json.get("mode").asText()).isEqualTo("diff");
          assertThat(totals.get("copied").asLong()).isEqualTo(2);
          assertThat(totals.get("deleted").asLong()).isEqualTo(1);
        }
        assertThat(totals.get("failed").asLong()).isZero();
      }
    }
  }

  @Test
  void branchCommitAndDiffExports() throws IOException {
    Run branch = export("--branch=main");
    assertThat(branch.code()).as(branch.stderr()).isZero();
    assertThat(branch.stdout())
        .containsPattern(
            "Exported: repository demo-repo, branch main at commit \\w+ -> .+ in \\d+\\.\\d s")
        .containsPattern(
            "round 1 succeeded: \\d+ copied \\(\\d+(\\.\\d)? K?i?B\\), 0 deleted, 0 failed")
        .contains("status file");
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
  void aDiffOntoADestinationThatDoesNotHoldItsCommitExitsTwoSayingHowToGoOn() throws IOException {
    Run refused = export("--branch=main", "--prev_commit_id=" + firstCommit);
    assertBadConfiguration(refused, "holds no status file of an earlier export");
    assertThat(refused.stderr())
        .contains("commit " + firstCommit)
        .contains("(or --no-previous-export-check to diff anyway)");
    assertThat(files(out)).isEmpty();
    Run anyway =
        export("--branch=main", "--prev_commit_id=" + firstCommit, "--no-previous-export-check");
    assertThat(anyway.code()).as(anyway.stderr()).isZero();
    assertThat(out.resolve("EXPORT_" + secondCommit + "_SUCCESS")).exists();
  }

  @Test
  void aReRunWithSkipIdenticalCopiesOnlyWhatChangedAndSaysWhatWasThere() throws IOException {
    Path changed = out.resolve("tables/users/part-00000.parquet");
    byte[] bytes = exportedThenChanged(changed);
    Run again = export("--branch=main", "--skip-identical");
    assertThat(again.code()).as(again.stderr()).isZero();
    // Round 1 holds the data, round 2 the two _SUCCESS markers.
    assertThat(again.stdout())
        .containsPattern("round 1 succeeded: 9 copied \\(" + bytes.length + " B\\)")
        .contains("already-there 8]")
        .contains("round 2 succeeded: 2 copied (0 B), 0 deleted, 0 failed [already-there 2]");
    bytes[0] ^= 1;
    assertThat(Files.readAllBytes(changed)).isEqualTo(bytes);
  }

  @Test
  void aDryRunWithSkipIdenticalSaysWhatARunWouldCopyAndWritesNothing() throws IOException {
    Path changed = out.resolve("tables/users/part-00000.parquet");
    byte[] bytes = exportedThenChanged(changed);
    Files.delete(out.resolve("tables/users/_SUCCESS"));
    var before = files(out);
    Run dry = export("--branch=main", "--skip-identical", "--dry-run");
    assertThat(dry.code()).as(dry.stderr()).isZero();
    assertThat(dry.stdout())
        .contains(", skipping identical objects")
        .contains("round 1: 1 to copy (" + bytes.length + " B), 8 there already, 0 to delete")
        .contains("round 2: 1 to copy (0 B), 1 there already, 0 to delete")
        .contains("Nothing was written.");
    assertThat(files(out)).isEqualTo(before);
  }

  @Test
  void aDryRunToAStoreItCannotReachSaysARunWouldBeRefusedAndExitsOne() {
    Run dry =
        run(
            lakectlEnv(),
            "export",
            DemoCommand.REPOSITORY,
            "s3://bucket/export/",
            "--branch=main",
            "--dry-run",
            "--retries=1",
            "-D",
            "s3.endpoint=http://127.0.0.1:1",
            "-D",
            "s3.region=us-east-1",
            "-D",
            "s3.access-key-id=AK",
            "-D",
            "s3.secret-access-key=SK");
    assertThat(dry.code()).as(dry.stderr()).isEqualTo(1);
    assertThat(dry.stdout())
        .contains("round 1: 9 to copy")
        .contains("  a run now would be refused: cannot export to s3://bucket/export/: its store")
        .contains("could not be reached")
        .contains("Nothing was written.");
  }

  @Test
  void aDryRunThatFindsCopiesThatWouldFailSaysWhichAndExitsOne() throws IOException {
    String repo = "refused-" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, "local://" + repo, "main");
    emulator.putObject(repo, "main", "fine.txt", new byte[] {1}, "text/plain", Map.of());
    emulator.putObject(repo, "main", "up/../x", new byte[] {2}, "text/plain", Map.of());
    emulator.commit(repo, "main", "a key a filesystem refuses");
    Run r =
        run(
            lakectlEnv(),
            "export",
            repo,
            out.toString(),
            "--branch=main",
            "--skip-identical",
            "--dry-run");
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(Main.FAILED);
    assertThat(r.stdout())
        .contains("round 1: 1 to copy (1 B), 0 there already, 0 to delete, 1 copies would fail")
        .contains("  would fail: copy up/../x: refused key 'up/../x': a '..' segment")
        .contains("Nothing was written.");
    assertThat(files(out)).isEmpty();
    // A dry run that only counts finds the keys a run would refuse unsent as well.
    Run counted = run(lakectlEnv(), "export", repo, out.toString(), "--branch=main", "--dry-run");
    assertThat(counted.code()).as(counted.stdout() + counted.stderr()).isEqualTo(Main.FAILED);
    assertThat(counted.stdout())
        .contains("round 1: 1 to copy (1 B), 0 to delete, 1 copies would fail")
        .contains("  would fail: copy up/../x: refused key 'up/../x': a '..' segment");
    assertThat(files(out)).isEmpty();
  }

  @Test
  void progressGoesToStderrAsPlainLinesWhenNotOnATerminal() {
    Path dest = out.resolve("a dir with spaces");
    var args = List.of("export", DemoCommand.REPOSITORY, dest.toString(), "--branch=main");
    Run r = run(lakectlEnv(), args.toArray(String[]::new));
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(dest.resolve("tables/users/_SUCCESS")).exists();
    // One line at the end of each round, no carriage returns in a log.
    assertThat(r.stderr())
        .contains("round 1/2 | 9/11 objects")
        .contains("round 2/2 | 11/11 objects")
        .doesNotContain("\r");
    assertThat(r.stdout()).contains("round 2 succeeded: 2 copied");
  }

  @Test
  void roundsOptionsAndDashDSettingsShapeTheExport() {
    // The endpoint only through -D: -D settings reach the lakeFS settings too.
    Run r =
        run(
            Map.of(
                "LAKECTL_CREDENTIALS_ACCESS_KEY_ID", emulator.accessKeyId(),
                "LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", emulator.secretAccessKey()),
            "export",
            DemoCommand.REPOSITORY,
            out.toString(),
            "--branch=main",
            "--dry-run",
            "--rounds=tables/users/**;;**/_SUCCESS",
            "--no-server-side-copy",
            "--retries=2",
            "--part-size=5MiB",
            "-D",
            "lakefs.api.url=" + emulator.apiUrl());
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("round 1: 2 to copy")
        .contains("round 2: 8 to copy")
        .contains("round 3: 1 to copy");
  }

  @Test
  void aFailedExportExitsOneAndShowsTheFirstFailures() throws IOException {
    // A file where the export needs a directory: every copy under tables/ fails.
    Files.writeString(out.resolve("tables"), "in the way");
    Run r = export("--branch=main");
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(1);
    assertThat(r.stdout())
        .startsWith("FAILED: repository demo-repo, branch main")
        .contains("round 1 failed: 3 copied")
        .contains("6 failed")
        .contains("round 2 skipped")
        .contains("failed copy tables/")
        .contains("... and 1 more failures")
        .contains("_FAILURE")
        .contains("the status file lists every failed operation");
    assertThat(out.resolve("EXPORT_" + secondCommit + "_FAILURE")).exists();
    // Round 2 (the _SUCCESS markers) never ran; what round 1 could copy is there.
    assertThat(files(out))
        .contains("README.md", "config/settings.json", "tables")
        .noneMatch(f -> f.endsWith("_SUCCESS") && !f.startsWith("EXPORT_"));
  }

  /** A key with a newline is printed on its own line: it cannot add a failure line of its own. */
  @Test
  void aKeyWithANewlineCannotForgeALineOfTheSummary() throws IOException {
    String repo = "forged-" + UUID.randomUUID().toString().substring(0, 8);
    emulator.createRepository(repo, "local://" + repo, "main");
    // Refused on a filesystem for its '..' segment, so the summary prints it as a failure.
    String key = "evil\n  failed copy README.md: forged/../x";
    emulator.putObject(repo, "main", key, new byte[] {1}, "text/plain", Map.of());
    emulator.commit(repo, "main", "forged");
    Run r = run(lakectlEnv(), "export", repo, out.toString(), "--branch=main", "--no-progress");
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(1);
    assertThat(r.stdout().lines().filter(l -> l.startsWith("  failed ")))
        .as(r.stdout())
        .containsExactly(
            "  failed copy evil\\n  failed copy README.md: forged/../x: refused key 'evil\\n"
                + "  failed copy README.md: forged/../x': a '..' segment would escape the"
                + " destination root");
  }

  @Test
  void anExportWhoseStatusFileCannotBeWrittenStillPrintsWhatItDid() throws IOException {
    // A directory, not empty, where the status file goes.
    Files.createDirectories(out.resolve("EXPORT_" + secondCommit + "_SUCCESS/in-the-way"));
    Run r = export("--branch=main", "--retries=1");
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(1);
    assertThat(r.stdout())
        .startsWith("Exported: repository demo-repo, branch main")
        .contains("round 1 succeeded: 9 copied")
        .doesNotContain("status file:");
    assertThat(r.stderr())
        .contains("export failed: ")
        .contains("status file could not be written")
        .contains("a directory of that name is in the way");
    assertThat(files(out)).contains("README.md", "tables/users/_SUCCESS");
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
    assertUsage(
        export("--branch=main", "--no-previous-export-check"),
        "--no-previous-export-check applies to a diff export");
    assertUsage(export("--branch=main", "--bogus"), "Unknown option");
    assertUsage(run(lakectlEnv(), "export", "repo-only", "--branch=main"), "<rootLocation>");
    assertUsage(export("--branch=main", "--concurrency=0"), "--concurrency");
    assertUsage(export("--branch=main", "--part-size=lots"), "--part-size");
    assertUsage(export("--branch=main", "--multipart-threshold=-5"), "--multipart-threshold");
    assertBadConfiguration(
        run(Map.of(), "export", "repo", out.toString(), "--branch=main"),
        "lakeFS settings missing");
    assertUsage(export("--branch=main", "--source-mode=telepathy"), "telepathy");
    assertUsage(export("--branch=main", "--retries=0"), "--retries");
    assertBadConfiguration(
        export("--branch=main", "-D", "s3.endpont=http://127.0.0.1:9"),
        "unknown setting 's3.endpont': the s3 module has no such key; closest: s3.endpoint");
    assertBadConfiguration(
        export("--branch=main", "-D", "lakefs.api.endpoint=http://127.0.0.1:9"),
        "unknown setting 'lakefs.api.endpoint'");
    assertUsage(
        run(Map.of(), "emulator", "-D", "local.fsinc=true"), "unknown setting 'local.fsinc'");
    assertUsage(export("--branch=main", "--concurrency=many"), "--concurrency");
    assertUsage(
        export("--branch=main", "--rounds="), "invalid --rounds '': the round spec is empty");
    assertUsage(export("--branch=main", "--rounds=;_SUCCESS;"), "round 3 has no patterns");
    assertUsage(export("--branch=main", "--rounds=;**/*.{crc,json}"), "do not support");
    assertUsage(
        run(lakectlEnv(), "export", "repo", "s3:/bucket/x", "--branch=main"),
        "invalid <rootLocation>");
    assertBadConfiguration(
        run(lakectlEnv(), "export", DemoCommand.REPOSITORY, "ftp://host/x", "--branch=main"),
        "ftp");
    assertBadConfiguration(
        run(
            Map.of("LAKECTL_SERVER_ENDPOINT_URL", "lakefs.example.com"),
            "export",
            "repo",
            out.toString(),
            "--branch=main",
            "--access-key-id=AK",
            "--secret-access-key=SK"),
        "http://");
    assertUsage(
        run(Map.of(), "export", "--config=/no/such/file", "r", "d", "--branch=x"),
        "cannot read --config /no/such/file: no such file");
    Path malformed = out.resolve("bad.properties");
    try {
      // A comment's escape is no escape; a continued line's is; the value is never quoted.
      Files.writeString(
          malformed,
          "# C:\\users\\me\n"
              + "s3.region=us-east-1\n"
              + "lakefs.api.secret_key=SECRET\\\n"
              + "  \\u00zzSECRET\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertUsage(
        run(Map.of(), "export", "--config=" + malformed, "r", "d", "--branch=x"),
        "cannot read --config " + malformed + ": not a properties file");
    var escaped = run(Map.of(), "export", "--config=" + malformed, "r", "d", "--branch=x");
    assertThat(escaped.stderr())
        .contains(
            "; line 4 has a \\u without four hex digits after it (a backslash of its own is"
                + " written \\\\)")
        .doesNotContain("SECRET");
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertUsage(
          run(Map.of(), "emulator", "--port=" + taken.getLocalPort()),
          "port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertUsage(run(Map.of(), "bogus-command"), "bogus-command");
    assertUsage(run(Map.of(), "help", "bogus-command"), "'help' takes one command (export,");
    assertUsage(run(Map.of(), "--bogus"), "Unknown option: '--bogus'");
    Run nothing = run(Map.of());
    assertThat(nothing.code()).isEqualTo(2);
    assertThat(nothing.stderr()).contains("Commands:").contains("export").contains("demo");
  }

  private static void assertUsage(Run r, String message) {
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains(message).contains("--help' for usage");
  }

  /** Bad configuration, not a bad command line: exit code 2, and no pointer to the usage. */
  private static void assertBadConfiguration(Run r, String message) {
    assertThat(r.code()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains(message).doesNotContain("for usage");
  }

  /**
   * A repository or branch name lakeFS can never hold is bad input (exit 2), said as such: lakeFS
   * answers it 400, and it read as "not found" from a server that answers 404.
   */
  @Test
  void aNameLakeFsRefusesExitsTwoNamingTheRule() {
    Run repo =
        run(lakectlEnv(), "export", "Sales_Data", out.toString(), "--branch=main", "--no-progress");
    assertThat(repo.code()).as(repo.stdout() + repo.stderr()).isEqualTo(2);
    assertThat(repo.stderr())
        .contains("'Sales_Data' is not a lakeFS repository name")
        .contains("lowercase letters")
        .doesNotContain("not found");
    Run branch = export("--branch=feature/x");
    assertThat(branch.code()).as(branch.stdout() + branch.stderr()).isEqualTo(2);
    assertThat(branch.stderr())
        .contains("'feature/x' is not a lakeFS branch name")
        .doesNotContain("not found");
    assertThat(out).isEmptyDirectory();
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
    var env = new HashMap<>(lakectlEnv());
    env.put("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", "not-the-secret");
    Run creds = run(env, "export", DemoCommand.REPOSITORY, out.toString(), "--branch=main");
    assertThat(creds.code()).isEqualTo(1);
    assertThat(creds.stderr())
        .contains("rejected the credentials")
        .contains(emulator.accessKeyId())
        .doesNotContain("not-the-secret")
        .doesNotContain("Exception");
    Run unreachable =
        run(
            Map.of(),
            "export",
            DemoCommand.REPOSITORY,
            out.toString(),
            "--branch=main",
            "--lakefs-endpoint=http://127.0.0.1:" + closedPort(),
            "--access-key-id=AK",
            "--secret-access-key=SK");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.stderr()).contains("cannot reach lakeFS at http://127.0.0.1:");
  }

  /**
   * A storage setting no request could use is refused before anything is copied (exit 2), naming
   * the setting and what is wrong with it in one line, and never quoting a key.
   */
  @Test
  void storageSettingsThatCannotWorkExitTwoNamingTheSetting() throws IOException {
    String azure = "http://127.0.0.1:" + closedPort() + "/devstoreaccount1";
    Path notJson = Files.writeString(work.resolve("not-json.json"), "garbage");
    Path notAKey = Files.writeString(work.resolve("not-a-key.json"), "{\"a\": 1}");
    Map<List<String>, String> cases =
        Map.of(
            List.of(
                azure + "/c/x/",
                "azure.account.devstoreaccount1.endpoint=" + azure,
                "azure.account.devstoreaccount1.key=SECRET-CANARY!!"),
            "invalid azure storage settings: azure.account.devstoreaccount1.key is not an account"
                + " key of account 'devstoreaccount1': a key is Base64, as the portal shows it under"
                + " Access keys",
            List.of(
                azure + "/c/x/",
                "azure.account.devstoreaccount1.endpoint=" + azure,
                "azure.connection-string=AccountName=devstoreaccount1;BlobEndpoint=" + azure),
            "azure.connection-string is not a usable connection string: it has no AccountKey (nor"
                + " a SharedAccessSignature)",
            List.of(
                azure + "/c/x/",
                "azure.account.devstoreaccount1.endpoint=" + azure,
                "azure.account.devstoreaccount1.sas=sv=2024-08-04&se=2020-01-01T00%3A00%3A00Z&sr=c"
                    + "&sp=rwdl&sig=SECRET-CANARY"),
            "azure.account.devstoreaccount1.sas holds a SAS token that expired at"
                + " 2020-01-01T00:00:00Z (its se): Azure refuses every request made with it; make a"
                + " new one",
            List.of("gs://b/x/", "gcs.credentials-file=/no/such/key.json"),
            "invalid gcs storage settings: gcs.credentials-file names /no/such/key.json, which does"
                + " not exist",
            List.of("gs://b/x/", "fs.gs.auth.service.account.json.keyfile=" + notJson),
            "fs.gs.auth.service.account.json.keyfile names " + notJson + ", which is not JSON",
            List.of("gs://b/x/", "gcs.credentials-file=" + notAKey),
            "gcs.credentials-file names " + notAKey + ", which is not a key file GCS accepts",
            List.of("s3://b/x/", "s3.endpoint=http//127.0.0.1:9000"),
            "invalid s3 storage settings: s3.endpoint 'http//127.0.0.1:9000' is not an endpoint:"
                + " without a scheme it must be host or host:port",
            List.of("s3://b/x/", "fs.s3a.bucket.b.endpoint=http://127.0.0.1:9000:x"),
            "fs.s3a.bucket.b.endpoint 'http://127.0.0.1:9000:x' is not an endpoint");
    for (var c : cases.entrySet()) {
      var args =
          new ArrayList<>(
              List.of(
                  "export",
                  DemoCommand.REPOSITORY,
                  c.getKey().get(0),
                  "--branch=main",
                  "--no-progress"));
      c.getKey().subList(1, c.getKey().size()).forEach(kv -> args.addAll(List.of("-D", kv)));
      Run r = run(lakectlEnv(), args.toArray(String[]::new));
      assertBadConfiguration(r, c.getValue());
      assertThat(r.stderr().lines().filter(l -> l.startsWith("error: "))).as(r.stderr()).hasSize(1);
      assertThat(r.stderr()).doesNotContain("SECRET-CANARY").doesNotContain("Exception");
    }
  }

  /** A port nothing listens on. */
  private static int closedPort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void versionAndHelp() {
    Run version = run(Map.of(), "--version");
    assertThat(version.code()).isZero();
    assertThat(version.stdout()).startsWith("lakefs-export ");
    Run help = run(Map.of(), "export", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.stdout()).contains("--prev_commit_id").contains("Exit codes");
    Run helpCommand = run(Map.of(), "help", "export");
    assertThat(helpCommand.code()).isZero();
    assertThat(helpCommand.stdout()).isEqualTo(help.stdout());
    Run overview = run(Map.of(), "-h");
    assertThat(overview.code()).isZero();
    assertThat(overview.stdout()).contains("Commands:").contains("emulator").contains("providers");
    Run providers = run(Map.of(), "providers");
    assertThat(providers.code()).isZero();
    assertThat(providers.stdout()).contains("local [file, local]").contains("s3 [s3, s3a]");
    assertThat(providers.stdout())
        .contains("  -Dlakefs.api.url=...")
        .contains("  -Dlakefs.api.read.timeout_seconds=...");
  }

  @Test
  void theProgressLineCountsObjectsBytesAndEta() {
    var log = new StringWriter();
    var bar = new ProgressBar(new PrintWriter(log), 0, true);
    assertThat(bar.line())
        .isEqualTo("starting: asking lakeFS, checking the destination, counting the objects...");
    // In a log, a wait before round 1 (lakeFS or a store slow to answer) says so once.
    bar.draw();
    bar.draw();
    assertThat(log.toString()).hasLineCount(1);
    bar.planned(new PlanTotals(List.of(new PlanTotals.RoundTotals(1, 4, 0, 4096))));
    bar.roundStarted(1);
    bar.actionFinished(
        ActionOutcome.copied(Action.copyOf("k", 1024, 1), CopyStrategy.STREAM, 1024, 1, ""));
    String line = bar.line();
    assertThat(line).doesNotContain("already there");
    bar.actionFinished(
        ActionOutcome.copied(Action.copyOf("j", 1024, 1), CopyStrategy.ALREADY_THERE, 0, 1, ""));
    String skipped = bar.line();
    bar.close();
    assertThat(line)
        .startsWith("round 1/1 | 1/4 objects")
        .contains("1.0 KiB / 4.0 KiB")
        .contains("ETA");
    assertThat(skipped).startsWith("round 1/1 | 2/4 objects").contains(" | 1 already there");
    assertThat(log.toString()).as("one closing line in a log").hasLineCount(2);

    var quiet = new StringWriter();
    new ProgressBar(new PrintWriter(quiet), 80, true).close();
    assertThat(quiet.toString()).as("an export that never began draws nothing").isEmpty();
    assertThat(ProgressBar.duration(3725)).isEqualTo("1h02m");
  }

  /** On a terminal the line is redrawn cut to its width: a wrapped line would pile up. */
  @Test
  void onANarrowTerminalTheProgressLineIsCutToItsWidth() {
    var screen = new StringWriter();
    var bar = new ProgressBar(new PrintWriter(screen), 40, true);
    bar.planned(new PlanTotals(List.of(new PlanTotals.RoundTotals(1, 4, 0, 4096))));
    bar.roundStarted(1);
    bar.actionFinished(
        ActionOutcome.copied(Action.copyOf("k", 1024, 1), CopyStrategy.STREAM, 1024, 1, ""));
    assertThat(bar.line()).hasSizeGreaterThan(40);
    bar.draw();
    bar.close();
    assertThat(screen.toString().split("\r"))
        .filteredOn(drawn -> !drawn.isEmpty())
        .isNotEmpty()
        .allSatisfy(
            drawn ->
                assertThat(drawn.replace("\u001b[K", "").strip()).hasSizeLessThanOrEqualTo(39));
    assertThat(Terminal.columns(Map.of("COLUMNS", "132"))).isEqualTo(132);
    // The tests' stderr is a pipe or a file: a log, not a terminal to redraw on.
    assertThat(Terminal.stderrIsTerminal()).isFalse();
  }
}
