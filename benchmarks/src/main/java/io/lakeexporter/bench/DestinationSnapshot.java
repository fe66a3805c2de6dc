package io.lakeexporter.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Every file under a destination directory and what identifies its version: the file itself (its
 * inode), its modification time and its status change time. Taken before and after a re-run of an
 * export, it shows whether the run wrote anything: writing a file again, replacing it by a new one,
 * or giving it new times or attributes (S3Proxy keeps an object's metadata in extended attributes)
 * changes at least one of the three, while reading it (a stat, a HEAD, a checksum) changes none.
 */
final class DestinationSnapshot {

  /** One file's version. */
  private record Stamp(Object inode, FileTime modified, FileTime changed) {}

  /**
   * How a destination differs from an earlier snapshot of it.
   *
   * @param rewritten files still there whose version changed
   * @param removed files gone
   * @param added files that were not there
   * @param sampleKey the first such file's key (rewritten ones first), or null
   * @param rewrittenKeys the keys of the rewritten files
   */
  record Changes(
      int rewritten, int removed, int added, String sampleKey, Set<String> rewrittenKeys) {

    Changes {
      rewrittenKeys = Set.copyOf(rewrittenKeys);
    }

    /** Objects the run did not leave as they were. */
    int total() {
      return rewritten + removed + added;
    }

    @Override
    public String toString() {
      return rewritten
          + " rewritten, "
          + removed
          + " removed, "
          + added
          + " added"
          + (sampleKey == null ? "" : " (the first: " + sampleKey + ")");
    }
  }

  private final SortedMap<String, Stamp> stamps;

  private DestinationSnapshot(SortedMap<String, Stamp> stamps) {
    this.stamps = stamps;
  }

  /**
   * The regular files under {@code directory}, by their path relative to it, leaving out those
   * {@code bookkeeping} names (the exporter's status files: every export writes its own).
   */
  static DestinationSnapshot of(Path directory, Predicate<String> bookkeeping) throws IOException {
    var stamps = new TreeMap<String, Stamp>();
    if (!Files.isDirectory(directory)) {
      return new DestinationSnapshot(stamps);
    }
    try (var files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = directory.relativize(file).toString();
        if (!bookkeeping.test(key)) {
          stamps.put(key, stampOf(file));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new DestinationSnapshot(stamps);
  }

  private static Stamp stampOf(Path file) throws IOException {
    // The "unix" view: the status change time is what an attribute-only change moves.
    Map<String, Object> attributes = Files.readAttributes(file, "unix:ino,lastModifiedTime,ctime");
    return new Stamp(
        attributes.get("ino"),
        (FileTime) attributes.get("lastModifiedTime"),
        (FileTime) attributes.get("ctime"));
  }

  /** What changed since {@code before}, a snapshot of the same directory. */
  Changes since(DestinationSnapshot before) {
    var rewrittenKeys = new TreeSet<String>();
    int removed = 0;
    String firstRewritten = null;
    String firstOther = null;
    for (var entry : before.stamps.entrySet()) {
      Stamp now = stamps.get(entry.getKey());
      if (now == null) {
        removed++;
        firstOther = firstOther == null ? entry.getKey() : firstOther;
      } else if (!now.equals(entry.getValue())) {
        rewrittenKeys.add(entry.getKey());
        firstRewritten = firstRewritten == null ? entry.getKey() : firstRewritten;
      }
    }
    int added = 0;
    for (String key : stamps.keySet()) {
      if (!before.stamps.containsKey(key)) {
        added++;
        firstOther = firstOther == null ? key : firstOther;
      }
    }
    return new Changes(
        rewrittenKeys.size(),
        removed,
        added,
        firstRewritten != null ? firstRewritten : firstOther,
        rewrittenKeys);
  }
}
