package io.lakeexporter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What a destination must hold after a run: exactly the expected keys with their sizes, the bytes
 * of a sample of them as the dataset wrote them, the exporter's status files only at the root, and
 * none of its temporaries or upload parts. A tool that writes the right number of bytes under the
 * wrong names, or zeros of the right size, fails it.
 */
final class ContentCheck {

  /** Objects read back in full (or their first and last MiB when larger than {@link #WHOLE}). */
  static final int SAMPLE = 500;

  /** Objects up to this size are compared whole; larger ones by their first and last MiB. */
  static final long WHOLE = 64L << 20;

  private static final long EDGE = 1L << 20;

  /** The exporter's hidden names: its temporary files and its folder of upload parts. */
  static final String TEMPORARY_PREFIX = ".lakefs-export-";

  /**
   * What the check found.
   *
   * @param found the dataset's objects at the destination (status files and temporaries aside)
   * @param problems each kind of difference with its count and first key; empty when none
   */
  record Outcome(Workspace.Contents found, List<String> problems) {

    Outcome {
      problems = List.copyOf(problems);
    }

    boolean ok() {
      return problems.isEmpty();
    }

    /** The problems in one line, or null when there is none. */
    String problem() {
      return problems.isEmpty() ? null : String.join("; ", problems);
    }
  }

  /** What the check reads: the objects under a destination root, by key. */
  interface Destination {

    /** Every object by its key below the root, with its size: status files and temporaries too. */
    SortedMap<String, Long> listing() throws IOException;

    /** {@code length} bytes of {@code key} from {@code offset}. */
    InputStream read(String key, long offset, long length) throws IOException;
  }

  private ContentCheck() {}

  /**
   * Checks {@code place} against {@code expected}, reading back the sample and {@code alsoRead}
   * (objects a run had to change: those are where a tool that skips would be caught). With a {@code
   * statusFile}, that file must be at the root.
   */
  static Outcome check(
      Destination destination, Manifest expected, Collection<String> alsoRead, String statusFile)
      throws IOException {
    SortedMap<String, Long> listing = destination.listing();
    var unexpected = new Tally("not in the dataset");
    var wrongSize = new Tally("of the wrong size");
    var temporaries = new Tally("temporaries or upload parts left");
    long objects = 0;
    long bytes = 0;
    for (Map.Entry<String, Long> object : listing.entrySet()) {
      String key = object.getKey();
      if (isRootStatusFile(key)) {
        continue;
      }
      if (Arrays.stream(key.split("/")).anyMatch(s -> s.startsWith(TEMPORARY_PREFIX))) {
        temporaries.add(key);
        continue;
      }
      objects++;
      bytes += object.getValue();
      Manifest.Entry entry = expected.get(key);
      if (entry == null) {
        unexpected.add(key);
      } else if (entry.size() != object.getValue()) {
        wrongSize.add(key);
      }
    }
    var missing = new Tally("missing");
    expected.entries().keySet().stream().filter(k -> !listing.containsKey(k)).forEach(missing::add);
    var wrongBytes = new Tally("with the wrong bytes");
    var toRead = new LinkedHashSet<>(expected.sample(SAMPLE));
    toRead.addAll(alsoRead);
    for (String key : toRead) {
      Manifest.Entry entry = expected.get(key);
      if (entry != null
          && listing.get(key) != null
          && listing.get(key) == entry.size()
          && !sameBytes(destination, key, entry)) {
        wrongBytes.add(key);
      }
    }
    var problems = new ArrayList<String>();
    for (Tally t : List.of(missing, unexpected, wrongSize, wrongBytes, temporaries)) {
      t.describe().ifPresent(problems::add);
    }
    if (statusFile != null && !listing.containsKey(statusFile)) {
      problems.add("no " + statusFile + " at the root");
    }
    return new Outcome(new Workspace.Contents(objects, bytes), problems);
  }

  /** {@code EXPORT_<commit>_SUCCESS} or {@code _FAILURE} directly under the destination root. */
  static boolean isRootStatusFile(String key) {
    return !key.contains("/")
        && key.startsWith("EXPORT_")
        && (key.endsWith("_SUCCESS") || key.endsWith("_FAILURE"));
  }

  private static boolean sameBytes(Destination destination, String key, Manifest.Entry entry)
      throws IOException {
    if (entry.size() <= WHOLE) {
      return sameRange(destination, key, entry, 0, entry.size());
    }
    return sameRange(destination, key, entry, 0, EDGE)
        && sameRange(destination, key, entry, entry.size() - EDGE, EDGE);
  }

  private static boolean sameRange(
      Destination destination, String key, Manifest.Entry entry, long offset, long length)
      throws IOException {
    try (InputStream expected = entry.content();
        InputStream actual = destination.read(key, offset, length)) {
      if (expected.skip(offset) != offset) {
        return false;
      }
      byte[] a = new byte[64 << 10];
      byte[] b = new byte[64 << 10];
      long left = length;
      while (left > 0) {
        int n = (int) Math.min(a.length, left);
        if (actual.readNBytes(a, 0, n) != n || expected.readNBytes(b, 0, n) != n) {
          return false;
        }
        if (!Arrays.equals(a, 0, n, b, 0, n)) {
          return false;
        }
        left -= n;
      }
      return true;
    }
  }

  /** How many keys share one problem, and the first of them. */
  private static final class Tally {
    private final String what;
    private long count;
    private String first;

    Tally(String what) {
      this.what = what;
    }

    void add(String key) {
      count++;
      first = first == null ? key : first;
    }

    Optional<String> describe() {
      return count == 0
          ? Optional.empty()
          : Optional.of(count + " " + what + " (the first: " + first + ")");
    }
  }
}
