package io.lakeexporter.spark;

import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.ListingLevel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A part of a commit's listing that one executor task lists: every object under {@code prefix}, or
 * with {@code levelOnly} only those directly at it (not in a subdirectory). The splits of an export
 * cover each path exactly once.
 *
 * @param prefix empty for the root, else a path ending in {@code /}
 * @param levelOnly only the objects directly under the prefix
 */
record ListingSplit(String prefix, boolean levelOnly) implements Serializable {

  /** The objects directly at the root (no {@code /} in their path). */
  static final ListingSplit ROOT = new ListingSplit("", true);

  /** How deep the driver looks for subdirectories to list apart. */
  static final int MAX_DEPTH = 4;

  ListingSplit {
    Objects.requireNonNull(prefix, "prefix is null");
  }

  /** Whether {@code path} is this split's to list. */
  boolean covers(String path) {
    return path.startsWith(prefix) && (!levelOnly || path.indexOf('/', prefix.length()) < 0);
  }

  /**
   * The splits of {@code ref}'s listing: the top-level directories and the root's objects, and
   * while there are fewer than {@code target} splits, the subdirectories of each directory (its own
   * objects a split of their own), up to {@link #MAX_DEPTH} levels. A lake kept under one directory
   * is then still listed by many tasks. A level holding more than {@code limit} entries is not
   * looked into: it stays one split.
   */
  static List<ListingSplit> of(
      LakeFsClient lakeFs, String repository, String ref, int target, int limit) {
    var splits = new ArrayList<ListingSplit>();
    splits.add(ROOT);
    var frontier = new ArrayList<>(lakeFs.topLevelPrefixes(repository, ref));
    for (int depth = 1; depth < MAX_DEPTH && !frontier.isEmpty(); depth++) {
      var next = new ArrayList<String>();
      for (int i = 0; i < frontier.size(); i++) {
        String prefix = frontier.get(i);
        int planned = splits.size() + next.size() + frontier.size() - i;
        Optional<ListingLevel> level =
            planned < target ? lakeFs.level(repository, ref, prefix, limit) : Optional.empty();
        if (level.isEmpty()) {
          splits.add(new ListingSplit(prefix, false));
          continue;
        }
        if (level.get().hasObjects()) {
          splits.add(new ListingSplit(prefix, true));
        }
        next.addAll(level.get().prefixes());
      }
      frontier = next;
    }
    frontier.forEach(prefix -> splits.add(new ListingSplit(prefix, false)));
    return splits;
  }

  /**
   * The splits of a diff from each of {@code from} (the previous commit, and those of exports
   * stopped part-way over its export): the top-level directories of every commit and the root's
   * objects.
   */
  static List<ListingSplit> ofDiff(
      LakeFsClient lakeFs, String repository, List<String> from, String commitId) {
    var prefixes = new TreeSet<>(lakeFs.topLevelPrefixes(repository, commitId));
    from.forEach(c -> prefixes.addAll(lakeFs.topLevelPrefixes(repository, c)));
    var splits = new ArrayList<ListingSplit>();
    splits.add(ROOT);
    prefixes.forEach(prefix -> splits.add(new ListingSplit(prefix, false)));
    return splits;
  }
}
