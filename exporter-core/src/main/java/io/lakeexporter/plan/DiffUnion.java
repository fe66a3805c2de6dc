package io.lakeexporter.plan;

import io.lakeexporter.source.DiffEntry;
import io.lakeexporter.storage.KeyOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Diffs to one commit from several, merged by path as they stream: what takes a destination to that
 * commit from wherever each of those commits' exports left it part-way. A destination that held P
 * when an export of X stopped part-way holds, for each key, P's version or X's; the diffs from P
 * and from X to the HEAD together name every key where either differs from the HEAD's, and agree on
 * what each must become (the HEAD's version, or nothing). A key several diffs name comes once: a
 * delete where the HEAD lacks it, else a copy of the HEAD's version. Every copy counts as a change
 * (its key may hold an object at the destination already): a key new since P may have been written
 * by the stopped export, so a later round's one (a Spark marker) goes down before round 1 as a
 * changed one does.
 */
public final class DiffUnion {

  private DiffUnion() {}

  /**
   * The commits a diff to {@code head} runs from: {@code previous}, then each of {@code
   * stoppedExports} (commits of exports stopped part-way over {@code previous}'s) once, but the
   * HEAD's own (nothing to take from it).
   */
  public static List<String> starts(String previous, List<String> stoppedExports, String head) {
    var from = new ArrayList<String>();
    from.add(previous);
    stoppedExports.stream().filter(c -> !c.equals(head) && !from.contains(c)).forEach(from::add);
    return from;
  }

  /** {@code diffs}, each sorted in lakeFS's key order, as one stream in that order; closes them. */
  public static Stream<DiffEntry> of(List<Stream<DiffEntry>> diffs) {
    if (diffs.size() == 1) {
      return diffs.get(0);
    }
    var heads = new ArrayList<Head>();
    for (Stream<DiffEntry> diff : diffs) {
      heads.add(new Head(diff.iterator()));
    }
    Iterator<DiffEntry> merged =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return heads.stream().anyMatch(h -> h.next != null);
          }

          @Override
          public DiffEntry next() {
            String first = null;
            for (Head h : heads) {
              if (h.next != null && (first == null || KeyOrder.compare(h.next.path(), first) < 0)) {
                first = h.next.path();
              }
            }
            if (first == null) {
              throw new NoSuchElementException();
            }
            DiffEntry union = null;
            for (Head h : heads) {
              if (h.next != null && h.next.path().equals(first)) {
                union = union == null ? h.next : unite(union, h.next);
                h.advance();
              }
            }
            return union.type() == DiffEntry.Type.ADDED
                ? new DiffEntry(DiffEntry.Type.CHANGED, union.path(), union.sizeBytes())
                : union;
          }
        };
    Stream<DiffEntry> stream =
        StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                merged, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
            false);
    for (Stream<DiffEntry> diff : diffs) {
      stream = stream.onClose(diff::close);
    }
    return stream;
  }

  /** Two diffs' words for one key, both to the same commit. */
  private static DiffEntry unite(DiffEntry a, DiffEntry b) {
    if (a.type() == DiffEntry.Type.REMOVED || b.type() == DiffEntry.Type.REMOVED) {
      return new DiffEntry(DiffEntry.Type.REMOVED, a.path(), 0);
    }
    boolean changed = a.type() == DiffEntry.Type.CHANGED || b.type() == DiffEntry.Type.CHANGED;
    return new DiffEntry(
        changed ? DiffEntry.Type.CHANGED : DiffEntry.Type.ADDED,
        a.path(),
        Math.max(a.sizeBytes(), b.sizeBytes()));
  }

  /** A diff's iterator and the entry it is at. */
  private static final class Head {
    private final Iterator<DiffEntry> rest;
    private DiffEntry next;

    Head(Iterator<DiffEntry> rest) {
      this.rest = rest;
      advance();
    }

    void advance() {
      next = rest.hasNext() ? rest.next() : null;
    }
  }
}
