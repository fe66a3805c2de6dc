package io.lakeexporter.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.source.ObjectEntry;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.local.LocalFileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The destination listed beside a round's actions, on a real filesystem. */
class DestinationListingTest {

  @TempDir Path root;
  private final LocalFileStore files = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  private DestinationListing listing() {
    return new DestinationListing(files, DestinationKeys.under(Location.ofPath(root)));
  }

  private static ObjectEntry entry(String path, String content) throws Exception {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    return new ObjectEntry(path, "local://" + path, bytes.length, md5, Instant.EPOCH, "", Map.of());
  }

  private void write(String path, String content) throws IOException {
    Files.createDirectories(root.resolve(path).getParent());
    Files.writeString(root.resolve(path), content);
  }

  @Test
  void eachCopyIsToldWhatTheListingShowedAtItsKeyOnce() throws Exception {
    write("d/a", "one");
    write("d/c", "three!");
    write("e/not-in-the-round", "x");
    var listing = listing();
    List<Action> round =
        List.of(
            Action.copy(entry("d/a", "one"), 1),
            Action.copy(entry("d/b", "two"), 1),
            Action.delete("d/bb", 1),
            Action.copy(entry("d/c", "three"), 1),
            Action.copy(entry("f/z", "zzz"), 1));
    try (Stream<Action> watched = listing.watch(round.stream())) {
      // Pulled as the executor's workers pull them (a count() of a sized stream would not).
      assertThat(watched.iterator()).toIterable().containsExactlyElementsOf(round);
    }
    assertThat(listing.take("d/a").info().size()).isEqualTo(3);
    assertThat(listing.take("d/a")).as("told once").isNull();
    assertThat(listing.take("d/b").info()).as("not there").isNull();
    assertThat(listing.take("d/bb")).as("a delete is not looked up").isNull();
    assertThat(listing.take("d/c").info().size()).isEqualTo(6);
    assertThat(listing.take("f/z").info()).as("past the listing's end").isNull();
  }

  @Test
  void whatTheListingShowsDecidesWithoutAStatWhereItCan() throws Exception {
    write("k", "same");
    ObjectEntry same = entry("k", "same");
    Location at = Location.ofPath(root.resolve("k"));
    assertThat(IdenticalObject.isAt(files, at, same)).isTrue();
    // A listing that showed nothing at the key settles it: the file is not asked about.
    assertThat(IdenticalObject.isAt(files, at, same, DestinationListing.Listed.NOTHING)).isFalse();
    var listing = listing();
    try (Stream<Action> watched = listing.watch(Stream.of(Action.copy(same, 1)))) {
      assertThat(watched.iterator()).toIterable().hasSize(1);
    }
    // A filesystem lists no checksum: the file is read and hashed.
    DestinationListing.Listed listed = listing.take("k");
    assertThat(listed.info().size()).isEqualTo(4);
    assertThat(IdenticalObject.isAt(files, at, same, listed)).isTrue();
  }

  /**
   * A few copies under a root that holds much else give the listing up rather than page through it
   * all: their objects are asked about one by one instead.
   */
  @Test
  void aListingThatPassesOverTooMuchIsGivenUp() throws Exception {
    for (int i = 0; i < 20; i++) {
      write("older/export-" + i, "x");
    }
    write("z/ours", "ours");
    List<Action> round = List.of(Action.copy(entry("z/ours", "ours"), 1));
    var patient = new DestinationListing(files, DestinationKeys.under(Location.ofPath(root)), 16);
    var hasty = new DestinationListing(files, DestinationKeys.under(Location.ofPath(root)), 15);
    for (var listing : List.of(patient, hasty)) {
      try (Stream<Action> watched = listing.watch(round.stream())) {
        assertThat(watched.iterator()).toIterable().hasSize(1);
      }
    }
    // 20 passed over for one copy: within 16 + 4, past 15 + 4.
    assertThat(patient.take("z/ours").info().size()).isEqualTo(4);
    assertThat(hasty.take("z/ours")).as("given up: asked about by stat").isNull();
  }
}
