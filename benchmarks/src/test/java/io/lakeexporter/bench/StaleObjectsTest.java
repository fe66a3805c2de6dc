package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StaleObjectsTest {

  private static final Set<String> STALE = Set.of("a", "m", "z");

  @Test
  void aRunThatRewritesExactlyTheStaleObjectsPasses() {
    assertThat(StaleObjects.problem(STALE, changes(Set.of("a", "m", "z"), 0, 0))).isNull();
  }

  @Test
  void aRunThatDoesNothingFails() {
    assertThat(StaleObjects.problem(STALE, changes(Set.of(), 0, 0)))
        .isEqualTo("3 of 3 stale objects not rewritten (the first: a)");
  }

  @Test
  void aRunThatRewritesMoreThanTheStaleObjectsFails() {
    assertThat(StaleObjects.problem(STALE, changes(Set.of("a", "b", "m", "z"), 1, 0)))
        .isEqualTo(
            "objects not left as they were: 1 up-to-date ones rewritten, 1 removed, 0 added"
                + " (the first rewritten: b)");
  }

  @Test
  void aStaleObjectDiffersInSizeAndInItsFirstByte() throws IOException {
    var entry = new Manifest.Entry(100, 42);
    byte[] stale = StaleObjects.staleBytes(entry);
    byte[] right;
    try (InputStream in = entry.content()) {
      right = in.readAllBytes();
    }

    assertThat(stale).hasSize(99);
    assertThat(stale[0]).isEqualTo((byte) ~right[0]);
  }

  @Test
  void theSameKeysAreStaleEveryRun() {
    var entries = new TreeMap<String, Manifest.Entry>();
    for (int i = 0; i < 100; i++) {
      entries.put(String.format("k%03d", i), new Manifest.Entry(10, i));
    }
    var manifest = new Manifest(entries);

    assertThat(StaleObjects.keys(manifest))
        .hasSize(StaleObjects.COUNT)
        .isEqualTo(StaleObjects.keys(manifest))
        .containsExactly("k000", "k025", "k050", "k075");
  }

  private static DestinationSnapshot.Changes changes(
      Set<String> rewritten, int removed, int added) {
    return new DestinationSnapshot.Changes(
        rewritten.size(),
        removed,
        added,
        rewritten.stream().sorted().findFirst().orElse(null),
        rewritten);
  }
}
