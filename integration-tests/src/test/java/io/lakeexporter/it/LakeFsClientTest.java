package io.lakeexporter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.RefNotFoundException;
import io.lakeexporter.RepositoryNotFoundException;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.RequestRefusedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter's lakeFS client against the emulator: what listings and stats carry. */
class LakeFsClientTest {

  @TempDir static Path work;
  private static LocalLakeFs lakeFs;
  private static String repo;
  private static String commit;

  @BeforeAll
  static void start() throws IOException {
    lakeFs = new LocalLakeFs(work);
    repo = lakeFs.newRepository();
    lakeFs.emulator.putObject(
        repo,
        "main",
        "tables/t/part-0.csv",
        "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
        "text/csv",
        Map.of("owner", "analytics", "schema-version", "3"));
    // More than one page (1000 entries): pages are fetched ahead while the previous is consumed.
    for (int i = 0; i < 1_203; i++) {
      lakeFs.put(repo, String.format("logs/%05d.json", i), "{\"i\":" + i + "}");
    }
    lakeFs.put(repo, "README.md", "hello");
    commit = lakeFs.emulator.commit(repo, "main", "data");
  }

  @AfterAll
  static void stop() throws IOException {
    lakeFs.close();
  }

  @Test
  void aClosedClientRefusesEveryCall() throws IOException {
    LakeFsClient client =
        LakeFsClient.create(
            lakeFs.config(lakeFs.emulator.accessKeyId(), lakeFs.emulator.secretAccessKey()));
    try (client) {
      assertThat(client.resolveBranch(repo, "main")).isEqualTo(commit);
    }
    assertThat(client.isClosed()).isTrue();
    assertThatThrownBy(() -> client.resolveBranch(repo, "main"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("lakeFS client for " + lakeFs.emulator.apiUrl() + " is closed");
    assertThatThrownBy(() -> client.commit(repo, commit)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.listObjects(repo, commit, "", false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.stat(repo, commit, "README.md", false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.openObject(repo, commit, "README.md", 0, -1))
        .isInstanceOf(IllegalStateException.class);
    client.close();
  }

  @Test
  void aReadItsPoliciesDenyIsRefusedForGoodNamingTheObject() throws IOException {
    String denied = lakeFs.newRepository();
    lakeFs.put(denied, "secret.csv", "x");
    String head = lakeFs.emulator.commit(denied, "main", "one");
    lakeFs.emulator.denyAccess(denied);
    // A refusal is not retried by the copy engine: a transient fault would be.
    assertThatThrownBy(() -> lakeFs.client.openObject(denied, head, "secret.csv", 0, -1))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("'secret.csv' at ref '" + head + "' of repository '" + denied + "'")
        .hasMessageContaining("401");
  }

  @Test
  void aListingCarriesEveryFieldAndEveryPageInPathOrder() {
    Instant before = Instant.now().plusSeconds(1);
    List<ObjectEntry> all;
    try (Stream<ObjectEntry> listing = lakeFs.client.listObjects(repo, commit, "", false)) {
      all = listing.toList();
    }
    assertThat(all).hasSize(1_205);
    assertThat(all)
        .extracting(ObjectEntry::path)
        .isSorted()
        .startsWith("README.md", "logs/00000.json")
        .endsWith("logs/01202.json", "tables/t/part-0.csv");

    ObjectEntry table = all.get(all.size() - 1);
    assertThat(table.size()).isEqualTo(8);
    assertThat(table.contentType()).isEqualTo("text/csv");
    assertThat(table.metadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("owner", "analytics", "schema-version", "3"));
    assertThat(table.checksum()).hasSize(32);
    assertThat(table.physicalAddress()).startsWith("local://" + repo);
    assertThat(table.mtime()).isAfter(Instant.EPOCH).isBefore(before);
  }

  @Test
  void prefixesDelimitersAndTheTopLevel() {
    try (Stream<ObjectEntry> logs = lakeFs.client.listObjects(repo, commit, "logs/0120", false)) {
      assertThat(logs.map(ObjectEntry::path))
          .containsExactly("logs/01200.json", "logs/01201.json", "logs/01202.json");
    }
    try (Stream<ObjectEntry> top = lakeFs.client.listObjects(repo, commit, "", "/", false)) {
      assertThat(top.map(ObjectEntry::path)).containsExactly("README.md");
    }
    assertThat(lakeFs.client.topLevelPrefixes(repo, commit)).containsExactly("logs/", "tables/");
  }

  @Test
  void statOfOneObjectAndOfOneThatIsNotThere() throws IOException {
    ObjectEntry readme = lakeFs.client.stat(repo, commit, "README.md", false);
    assertThat(readme.size()).isEqualTo(5);
    assertThat(readme.contentType()).isEqualTo("application/octet-stream");
    try (Stream<ObjectEntry> listing = lakeFs.client.listObjects(repo, commit, "README", false)) {
      assertThat(listing.toList()).containsExactly(readme);
    }
    assertThatThrownBy(() -> lakeFs.client.stat(repo, commit, "no/such.txt", false))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("no/such.txt")
        .hasMessageContaining(repo);
  }

  @Test
  void checkRepositoryPassesForOneThereAndNamesOneThatIsNot() {
    lakeFs.client.checkRepository(repo);
    assertThatThrownBy(() -> lakeFs.client.checkRepository("no-such-repo"))
        .isInstanceOf(RepositoryNotFoundException.class)
        .hasMessageContaining("'no-such-repo'");
  }

  @Test
  void aListingOfAnUnknownRefNamesIt() {
    assertThatThrownBy(
            () -> {
              try (Stream<ObjectEntry> listing =
                  lakeFs.client.listObjects(repo, "no-such-branch", "", false)) {
                listing.forEach(e -> {});
              }
            })
        .isInstanceOf(RefNotFoundException.class)
        .hasMessageContaining("no-such-branch");
  }

  /**
   * The changes at one level are read without the changes below it: a page that ends inside a
   * directory is followed by the page after it. Root objects around a directory of the same name
   * ({@code x}, {@code x/}, {@code x2}) are where lakeFS's own delimiter would lose one.
   */
  @Test
  void theChangesAtALevelAreReadWithoutTheDirectoriesBelowIt() throws IOException {
    String changing = lakeFs.newRepository();
    for (String path : List.of("m.txt", "x", "x/1", "keep.txt")) {
      lakeFs.put(changing, path, "one");
    }
    for (int i = 0; i < 2_500; i++) {
      lakeFs.put(changing, String.format("big/%05d", i), "one");
    }
    for (int i = 0; i < 1_500; i++) {
      lakeFs.put(changing, String.format("mid/%05d", i), "one");
    }
    String before = lakeFs.emulator.commit(changing, "main", "one");
    for (String path : List.of("x", "x/1", "x2", "zz")) {
      lakeFs.put(changing, path, "two");
    }
    lakeFs.emulator.deleteObject(changing, "main", "m.txt");
    for (int i = 0; i < 2_500; i++) {
      lakeFs.put(changing, String.format("big/%05d", i), "two");
    }
    for (int i = 0; i < 1_500; i++) {
      lakeFs.put(changing, String.format("mid/%05d", i), "two");
    }
    String after = lakeFs.emulator.commit(changing, "main", "two");

    List<String> expected;
    try (var all = lakeFs.client.diff(changing, before, after)) {
      expected =
          all.filter(d -> d.path().indexOf('/') < 0).map(d -> d.path() + " " + d.type()).toList();
    }
    assertThat(expected).containsExactly("m.txt REMOVED", "x CHANGED", "x2 ADDED", "zz ADDED");
    long served = lakeFs.emulator.diffPagesServed();
    try (var root = lakeFs.client.diffAtLevel(changing, before, after, "")) {
      assertThat(root.map(d -> d.path() + " " + d.type()).toList())
          .containsExactlyElementsOf(expected);
    }
    // 4,005 changes, 5 pages read whole; at the root: big/ (page 1), m.txt and mid/ (page 2),
    // then x, x/1, x2, zz.
    assertThat(lakeFs.emulator.diffPagesServed() - served).isEqualTo(3);
    try (var level = lakeFs.client.diffAtLevel(changing, before, after, "x/")) {
      assertThat(level.map(d -> d.path()).toList()).containsExactly("x/1");
    }
  }
}
