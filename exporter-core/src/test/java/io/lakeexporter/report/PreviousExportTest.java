package io.lakeexporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.ExportResult;
import io.lakeexporter.copy.RetryPolicy;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a destination's status files say of a diff from P to H, on a real filesystem. */
class PreviousExportTest {

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private final LocalFileStore store = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  @TempDir Path dir;

  private Location root() {
    return Location.ofPath(dir);
  }

  private PreviousExport.Verdict diffFrom(String previous, String head) throws IOException {
    return PreviousExport.of(store, root(), previous, head, List.of(), RetryPolicy.NONE);
  }

  /** A status file as an export writes it, made {@code minutes} after T0 by its time stamp. */
  private void exported(
      ExportResult.Status status, ExportMode mode, String previous, String commit, int minutes)
      throws IOException {
    exported(status, mode, previous, commit, minutes, List.of());
  }

  /** The same, of a diff that ran from {@code alsoFrom} too. */
  private void exported(
      ExportResult.Status status,
      ExportMode mode,
      String previous,
      String commit,
      int minutes,
      List<String> alsoFrom)
      throws IOException {
    var result =
        new ExportResult(
            status,
            "repo",
            mode,
            mode == ExportMode.COMMIT ? null : "main",
            previous,
            commit,
            root().toString(),
            T0,
            T0.plusSeconds(60L * minutes),
            List.of(),
            List.of(),
            0,
            "",
            null,
            null,
            "1.0");
    Location file = StatusFile.write(store, root(), result, alsoFrom, RetryPolicy.NONE);
    Files.setLastModifiedTime(file.toPath(), FileTime.from(T0.plusSeconds(60L * minutes)));
  }

  @Test
  void aRootWithNoStatusFileRefusesADiffNamingTheCommitItNeeds() throws IOException {
    Files.writeString(dir.resolve("data.csv"), "a,b\n");
    var verdict = diffFrom("p1", "h1");
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.said())
        .startsWith(root() + " holds no status file of an earlier export")
        .contains("commit p1")
        .contains("Export commit h1 in full first");
  }

  @Test
  void theNewestSuccessDecidesWhateverOlderOnesSay() throws IOException {
    exported(ExportResult.Status.SUCCEEDED, ExportMode.BRANCH, null, "p1", 1);
    exported(ExportResult.Status.SUCCEEDED, ExportMode.DIFF, "p1", "x1", 2);
    assertThat(diffFrom("x1", "h1").allowed()).isTrue();
    var fromOlder = diffFrom("p1", "h1");
    assertThat(fromOlder.allowed()).isFalse();
    assertThat(fromOlder.said())
        .startsWith("the newest export at " + root() + " is of commit x1 (")
        .contains("EXPORT_x1_SUCCESS, written 2026-11-01T00:02:00Z), not of p1")
        .endsWith("Diff from x1, the commit this destination holds");
    // The HEAD's own export: a diff can only bring the destination closer to it.
    assertThat(diffFrom("p1", "x1")).isEqualTo(new PreviousExport.Verdict(true, "", List.of()));
  }

  @Test
  void aFailedDiffFromTheSameCommitLetsTheNextOneRunAndIsWarnedOf() throws IOException {
    exported(ExportResult.Status.SUCCEEDED, ExportMode.COMMIT, null, "p1", 1);
    exported(ExportResult.Status.FAILED, ExportMode.DIFF, "p1", "x1", 2);
    var retry = diffFrom("p1", "h1");
    assertThat(retry.allowed()).isTrue();
    assertThat(retry.said())
        .startsWith("the last export at " + root() + ", a diff from p1 to x1, failed part-way")
        .endsWith(
            ": this diff to h1 also runs from there, so that every key it changed ends as h1 has"
                + " it");
    // What that export wrote, the HEAD's versions of its keys replace.
    assertThat(retry.stoppedExports()).containsExactly("x1");
    var fromElsewhere = diffFrom("q1", "h1");
    assertThat(fromElsewhere.allowed()).isFalse();
    assertThat(fromElsewhere.said())
        .contains("failed part-way, and was a diff from p1, not from q1")
        .contains("holds part of commit x1");
  }

  /**
   * Two attempts from p1 failed in a row: the second ran from the first's commit too, and says so
   * in its file; the next runs from both, and from an export cut off since.
   */
  @Test
  void aRetryOfARetryRunsFromEveryAttemptBefore() throws IOException {
    exported(ExportResult.Status.SUCCEEDED, ExportMode.COMMIT, null, "p1", 1);
    exported(ExportResult.Status.FAILED, ExportMode.DIFF, "p1", "x1", 2);
    exported(ExportResult.Status.FAILED, ExportMode.DIFF, "p1", "x2", 3, List.of("x1"));
    assertThat(diffFrom("p1", "h1").stoppedExports()).containsExactly("x2", "x1");
    var alsoCut =
        PreviousExport.of(store, root(), "p1", "h1", List.of("x3", "x2"), RetryPolicy.NONE);
    assertThat(alsoCut.stoppedExports()).containsExactly("x2", "x1", "x3", "x2");
  }

  @Test
  void anExportCutOffWithItsLeaseLeftIsRunFromTooOrNamedInTheRefusal() throws IOException {
    exported(ExportResult.Status.SUCCEEDED, ExportMode.COMMIT, null, "p1", 1);
    var over = PreviousExport.of(store, root(), "p1", "h1", List.of("x9"), RetryPolicy.NONE);
    assertThat(over.allowed()).isTrue();
    assertThat(over.stoppedExports()).containsExactly("x9");
    assertThat(over.said())
        .isEqualTo(
            "the diff from p1 to h1 at "
                + root()
                + " also runs from commit x9, whose export was cut off there part-way");
    var wrong = PreviousExport.of(store, root(), "q1", "h1", List.of("x9"), RetryPolicy.NONE);
    assertThat(wrong.allowed()).isFalse();
    assertThat(wrong.said())
        .contains("not of q1; an export of commit x9 was cut off there since, part-way");
  }

  /**
   * S3 keeps times to the second, and a copy of the files may give them all one: within a second,
   * the finish time the files hold decides, not the order they list in.
   */
  @Test
  void statusFilesOfOneSecondAreOrderedByTheFinishTheyHold() throws IOException {
    // Listed first ("EXPORT_a..." before "EXPORT_b..."), but finished last.
    exported(ExportResult.Status.SUCCEEDED, ExportMode.DIFF, "b1", "a2", 9);
    exported(ExportResult.Status.SUCCEEDED, ExportMode.COMMIT, null, "b1", 1);
    for (String commit : List.of("a2", "b1")) {
      Files.setLastModifiedTime(
          dir.resolve(StatusFile.successName(commit)), FileTime.from(T0.plusMillis(300)));
    }
    assertThat(diffFrom("a2", "h1").allowed()).isTrue();
    assertThat(diffFrom("b1", "h1").said()).contains("is of commit a2 (");
  }

  @Test
  void aStatusFileNamedWithACommitPrefixStandsForThatCommit() throws IOException {
    Files.writeString(dir.resolve("EXPORT_p1abcde_SUCCESS"), "exported by another tool\n");
    Files.setLastModifiedTime(dir.resolve("EXPORT_p1abcde_SUCCESS"), FileTime.from(T0));
    assertThat(diffFrom("p1abcdef0123", "h1").allowed()).isTrue();
    // Too short to be a commit's prefix.
    Files.writeString(dir.resolve("EXPORT_p1ab_SUCCESS"), "another tool\n");
    Files.setLastModifiedTime(dir.resolve("EXPORT_p1ab_SUCCESS"), FileTime.from(T0.plusSeconds(9)));
    assertThat(diffFrom("p1abcdef0123", "h1").allowed()).isFalse();
  }

  @Test
  void aFailedFullExportRefusesADiff() throws IOException {
    exported(ExportResult.Status.SUCCEEDED, ExportMode.COMMIT, null, "p1", 1);
    exported(ExportResult.Status.FAILED, ExportMode.BRANCH, null, "h1", 2);
    var verdict = diffFrom("p1", "h1");
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.said())
        .contains("EXPORT_h1_FAILURE")
        .contains("failed part-way, and was no diff from p1")
        .endsWith("Run that export again until it succeeds, or export commit h1 in full");
    // The previous commit's own export, failed: only part of it is there.
    exported(ExportResult.Status.FAILED, ExportMode.COMMIT, null, "p1", 3);
    var ownFailure = diffFrom("p1", "h1");
    assertThat(ownFailure.allowed()).isFalse();
    assertThat(ownFailure.said())
        .contains("EXPORT_p1_FAILURE, written 2026-11-01T00:03:00Z), of commit p1 itself, failed")
        .endsWith("or export commit h1 in full");
  }

  @Test
  void filesOfOtherToolsCountByTheirNamesAndKeysBelowTheRootNotAtAll() throws IOException {
    // Another exporter's success file, not JSON, names the commit the destination holds.
    Files.writeString(dir.resolve("EXPORT_p1_SUCCESS"), "exported by another tool\n");
    Files.setLastModifiedTime(dir.resolve("EXPORT_p1_SUCCESS"), FileTime.from(T0));
    // Newer, but no status file at the root: the lease, a key under a status file's name, a
    // status file one level down.
    for (String key :
        List.of("EXPORT_RUNNING", "EXPORT_x1_SUCCESS/part-0", "sub/EXPORT_x1_SUCCESS")) {
      Path file = dir.resolve(key);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "{}");
    }
    assertThat(diffFrom("p1", "h1")).isEqualTo(new PreviousExport.Verdict(true, "", List.of()));
    // A failure file that is not JSON tells of no diff: refused.
    Files.writeString(dir.resolve("EXPORT_x2_FAILURE"), "failed: a,b,c\n", StandardCharsets.UTF_8);
    var verdict = diffFrom("p1", "h1");
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.said()).contains("and was no diff from p1");
  }

  @Test
  void aSuccessAndAFailureOfTheSameInstantCountTheSuccessAsNewest() throws IOException {
    exported(ExportResult.Status.FAILED, ExportMode.BRANCH, null, "x1", 3);
    exported(ExportResult.Status.SUCCEEDED, ExportMode.BRANCH, null, "p1", 3);
    assertThat(diffFrom("p1", "h1").allowed()).isTrue();
  }
}
